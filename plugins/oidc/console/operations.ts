/** The OpenID Connect plugin's GraphQL operations of the console, typed from Roster's schema. */
import { graphql, type ResultOf } from '@roster/console-sdk';

export const OidcConnectionsQuery = graphql(`
  query OidcConnections($teamId: ID!) {
    team(id: $teamId) {
      id
      oidcConnections {
        id
        name
        enabled
        provider
        issuer
        clientId
        redirectUri
        loginUrl
        createdAt
        claimMapping {
          email
          givenName
          familyName
          groups
        }
        attempts(limit: 10) {
          at
          outcome
          step
          reason
          email
          subject
        }
      }
    }
  }
`);

export const CreateOidcConnection = graphql(`
  mutation CreateOidcConnection($teamId: ID!, $input: CreateOidcConnectionInput!) {
    createOidcConnection(teamId: $teamId, input: $input) {
      id
    }
  }
`);

export const DeleteOidcConnection = graphql(`
  mutation DeleteOidcConnection($id: ID!) {
    deleteOidcConnection(id: $id)
  }
`);

export type OidcConnectionRow = ResultOf<typeof OidcConnectionsQuery>['team']['oidcConnections'][number];

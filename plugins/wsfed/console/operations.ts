/** The WS-Federation plugin's GraphQL operations of the console, typed from Roster's schema. */
import { graphql, type ResultOf } from '@roster/console-sdk';

export const WsFedConnectionsQuery = graphql(`
  query WsFedConnections($teamId: ID!) {
    team(id: $teamId) {
      id
      wsfedConnections {
        id
        name
        enabled
        claimPreset
        realm
        replyUrl
        loginUrl
        idpIssuer
        metadataUrl
        metadataError
        trustEmails
        createdAt
        certificates {
          subject
          notAfter
          daysLeft: daysUntilExpiry
          expired
          expiresSoon: expiryWarning
          fingerprintSha256
        }
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

export const CreateWsFedConnection = graphql(`
  mutation CreateWsFedConnection($teamId: ID!, $input: WsFedConnectionInput!) {
    createWsFedConnection(teamId: $teamId, input: $input) {
      id
    }
  }
`);

export const DeleteWsFedConnection = graphql(`
  mutation DeleteWsFedConnection($id: ID!) {
    deleteWsFedConnection(id: $id)
  }
`);

export type WsFedConnectionRow = ResultOf<typeof WsFedConnectionsQuery>['team']['wsfedConnections'][number];

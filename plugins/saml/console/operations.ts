/** The SAML plugin's GraphQL operations of the console, typed from Roster's schema. */
import { graphql, type ResultOf } from '@roster/console-sdk';

export const SamlConnectionsQuery = graphql(`
  query SamlConnections($teamId: ID!) {
    team(id: $teamId) {
      id
      samlConnections {
        id
        name
        enabled
        preset
        setupHint
        entityId
        acsUrl
        metadataUrl
        loginUrl
        idpEntityId
        idpMetadataUrl
        metadataError
        trustEmails
        createdAt
        certificateExpiresSoon
        certificates {
          subject
          notAfter
          daysLeft
          expired
          expiresSoon
          fingerprintSha256
        }
        attributeMapping {
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

export const CreateSamlConnection = graphql(`
  mutation CreateSamlConnection($teamId: ID!, $input: SamlConnectionInput!) {
    createSamlConnection(teamId: $teamId, input: $input) {
      id
    }
  }
`);

export const DeleteSamlConnection = graphql(`
  mutation DeleteSamlConnection($id: ID!) {
    deleteSamlConnection(id: $id)
  }
`);

export type SamlConnectionRow = ResultOf<typeof SamlConnectionsQuery>['team']['samlConnections'][number];

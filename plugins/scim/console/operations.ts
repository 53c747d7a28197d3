/** The SCIM plugin's GraphQL operations of the console, typed from Roster's schema. */
import { graphql, type ResultOf } from '@roster/console-sdk';

export const ScimQuery = graphql(`
  query Scim($teamId: ID!) {
    team(id: $teamId) {
      id
      scim {
        baseUrl
        tokens {
          id
          name
          prefix
          createdAt
          lastUsedAt
        }
      }
    }
  }
`);

export const CreateScimToken = graphql(`
  mutation CreateScimToken($teamId: ID!, $name: String!) {
    createScimToken(teamId: $teamId, name: $name) {
      secret
      token {
        id
        name
        prefix
        createdAt
        lastUsedAt
      }
    }
  }
`);

export const RevokeScimToken = graphql(`
  mutation RevokeScimToken($teamId: ID!, $id: ID!) {
    revokeScimToken(teamId: $teamId, id: $id)
  }
`);

export type ScimTokenRow = ResultOf<typeof ScimQuery>['team']['scim']['tokens'][number];

/** #16 the latest requests to the team's SCIM endpoint, newest first (polled while the page is open). */
export const ScimRequestsQuery = graphql(`
  query ScimRequests($teamId: ID!, $first: Int) {
    team(id: $teamId) {
      id
      scim {
        requests(first: $first) {
          at
          method
          path
          status
          scimType
          detail
          resourceId
          resourceName
          durationMs
        }
      }
    }
  }
`);

export type ScimRequestRow = ResultOf<typeof ScimRequestsQuery>['team']['scim']['requests'][number];

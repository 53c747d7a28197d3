/** Every GraphQL operation the console sends, in one place. */
import { graphql, type ResultOf } from './graphql.ts';

export const MeQuery = graphql(`
  query Me {
    me {
      userId
      login
      platformAdmin
      team {
        id
        name
        slug
      }
      member {
        id
        role
        userName
        displayName
      }
    }
  }
`);

export const SignInOptionsQuery = graphql(`
  query SignInOptions($email: String!, $returnTo: String) {
    signInOptions(email: $email, returnTo: $returnTo) {
      domain
      methods
      ssoRequired
      redirectUrl
      googleUrl
      connections {
        connectionId
        name
        protocol
        loginUrl
      }
    }
  }
`);

export const MembersQuery = graphql(`
  query Members($teamId: ID!, $first: Int!, $after: String, $filter: MembersFilter) {
    team(id: $teamId) {
      id
      members(first: $first, after: $after, filter: $filter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            userName
            email
            displayName
            givenName
            familyName
            role
            status
          }
        }
      }
    }
  }
`);

export const MemberQuery = graphql(`
  query Member($id: ID!) {
    member(id: $id) {
      id
      userName
      email
      displayName
      givenName
      familyName
      externalId
      role
      status
      creditLimit
      createdAt
      updatedAt
      deactivatedAt
      groups {
        id
        displayName
        licenseType {
          id
          name
        }
      }
      licenses {
        state
        requestedAt
        grantedAt
        licenseType {
          id
          key
          name
        }
      }
    }
  }
`);

export const DeactivateMember = graphql(`
  mutation DeactivateMember($id: ID!) {
    deactivateMember(id: $id) {
      id
      status
      deactivatedAt
      updatedAt
    }
  }
`);

export const ReactivateMember = graphql(`
  mutation ReactivateMember($id: ID!) {
    reactivateMember(id: $id) {
      id
      status
      deactivatedAt
      updatedAt
    }
  }
`);

export const RemoveMember = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id)
  }
`);

export const ChangeRole = graphql(`
  mutation ChangeRole($id: ID!, $role: MemberRole!) {
    updateMember(id: $id, input: { role: $role }) {
      id
      role
      updatedAt
    }
  }
`);

export type Viewer = NonNullable<ResultOf<typeof MeQuery>['me']>;
export type MemberDetail = NonNullable<ResultOf<typeof MemberQuery>['member']>;
export type MemberRow = ResultOf<typeof MembersQuery>['team']['members']['edges'][number]['node'];

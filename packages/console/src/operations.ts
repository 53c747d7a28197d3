/** Every GraphQL operation of the console's own pages, in one place (the plugins' are in their console modules). */
import { graphql, type ResultOf } from '@roster/console-sdk';

/*
 * Selections several operations share. `@_unmask`: gql.tada types a spread of them as if its
 * fields were written inline, so pages read the fields directly (no readFragment), and a
 * mutation answers the fields its list query shows, which the cache then refreshes.
 */
const PageInfoFields = graphql(`
  fragment PageInfoFields on PageInfo @_unmask {
    hasNextPage
    endCursor
  }
`);

const MemberAccessFields = graphql(`
  fragment MemberAccessFields on Member @_unmask {
    id
    status
    deactivatedAt
    updatedAt
  }
`);

const GroupFields = graphql(`
  fragment GroupFields on Group @_unmask {
    id
    displayName
    memberCount
    externalId
    licenseType {
      id
      name
    }
  }
`);

const SetupLinkFields = graphql(`
  fragment SetupLinkFields on SetupLinkType @_unmask {
    id
    scopes
    note
    createdBy
    createdAt
    expiresAt
    lastUsedAt
  }
`);

const DomainFields = graphql(`
  fragment DomainFields on Domain @_unmask {
    id
    domain
    txtRecord
    verified
    verifiedAt
  }
`);

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
    plugins {
      name
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

export const MembersQuery = graphql(
  `
    query Members($teamId: ID!, $first: Int!, $after: String, $filter: MembersFilter) {
      team(id: $teamId) {
        id
        members(first: $first, after: $after, filter: $filter) {
          totalCount
          pageInfo {
            ...PageInfoFields
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
  `,
  [PageInfoFields],
);

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

export const DeactivateMember = graphql(
  `
    mutation DeactivateMember($id: ID!) {
      deactivateMember(id: $id) {
        ...MemberAccessFields
      }
    }
  `,
  [MemberAccessFields],
);

export const ReactivateMember = graphql(
  `
    mutation ReactivateMember($id: ID!) {
      reactivateMember(id: $id) {
        ...MemberAccessFields
      }
    }
  `,
  [MemberAccessFields],
);

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

export const ChangeCreditLimit = graphql(`
  mutation ChangeCreditLimit($id: ID!, $creditLimit: Int!) {
    updateMember(id: $id, input: { creditLimit: $creditLimit }) {
      id
      creditLimit
      updatedAt
    }
  }
`);

export const GroupsAndLicensesQuery = graphql(
  `
    query GroupsAndLicenses($teamId: ID!, $waiting: Int!) {
      team(id: $teamId) {
        id
        licenses {
          id
          key
          name
          purchased
          used
          pending
          available
          waitlist(first: $waiting) {
            totalCount
            edges {
              node {
                position
                requestedAt
                member {
                  id
                  userName
                  displayName
                  givenName
                  familyName
                }
              }
            }
          }
        }
        groups {
          ...GroupFields
        }
      }
    }
  `,
  [GroupFields],
);

/**
 * The setup portal's "Map groups to licenses" step: what a setup link with the `scim` scope may
 * read (core `graphql/setup-scope.ts`): the groups and the license types by name.
 */
export const SetupGroupsQuery = graphql(
  `
    query SetupGroups($teamId: ID!) {
      team(id: $teamId) {
        id
        licenses {
          id
          key
          name
        }
        groups {
          ...GroupFields
        }
      }
    }
  `,
  [GroupFields],
);

export const SetLicenseSeats = graphql(`
  mutation SetLicenseSeats($teamId: ID!, $licenseTypeId: ID!, $seats: Int!) {
    setLicenseSeats(teamId: $teamId, licenseTypeId: $licenseTypeId, seats: $seats) {
      id
      purchased
      used
      pending
      available
    }
  }
`);

export const LinkGroupToLicense = graphql(`
  mutation LinkGroupToLicense($id: ID!, $licenseTypeId: ID!) {
    linkGroupToLicense(id: $id, licenseTypeId: $licenseTypeId) {
      id
      licenseType {
        id
        name
      }
    }
  }
`);

export const UnlinkGroup = graphql(`
  mutation UnlinkGroup($id: ID!) {
    unlinkGroup(id: $id) {
      id
      licenseType {
        id
        name
      }
    }
  }
`);

export const SetupLinkQuery = graphql(`
  query SetupLink {
    setupLink {
      scopes
      expiresAt
      team {
        id
        name
      }
    }
    plugins {
      name
    }
  }
`);

export const SetupLinksQuery = graphql(
  `
    query SetupLinks($teamId: ID!) {
      team(id: $teamId) {
        id
        setupLinks {
          ...SetupLinkFields
        }
      }
    }
  `,
  [SetupLinkFields],
);

export const CreateSetupLink = graphql(
  `
    mutation CreateSetupLink($teamId: ID!, $input: CreateSetupLinkInput!) {
      createSetupLink(teamId: $teamId, input: $input) {
        path
        link {
          ...SetupLinkFields
        }
      }
    }
  `,
  [SetupLinkFields],
);

export const RevokeSetupLink = graphql(`
  mutation RevokeSetupLink($teamId: ID!, $id: ID!) {
    revokeSetupLink(teamId: $teamId, id: $id)
  }
`);

export type Viewer = NonNullable<ResultOf<typeof MeQuery>['me']>;
export type MemberDetail = NonNullable<ResultOf<typeof MemberQuery>['member']>;
export const SignInPolicyQuery = graphql(`
  query SignInPolicy($teamId: ID!) {
    signInMethods {
      id
      label
      sso
      declaredBy
    }
    team(id: $teamId) {
      id
      signInPolicy {
        methods
        ssoRequired
        jitProvisioning
      }
    }
  }
`);

export const SetSignInPolicy = graphql(`
  mutation SetSignInPolicy($teamId: ID!, $policy: SignInPolicyInput!) {
    setSignInPolicy(teamId: $teamId, policy: $policy) {
      id
      signInPolicy {
        methods
        ssoRequired
        jitProvisioning
      }
    }
  }
`);

export const DomainsQuery = graphql(
  `
    query Domains($teamId: ID!) {
      team(id: $teamId) {
        id
        domains {
          ...DomainFields
        }
      }
    }
  `,
  [DomainFields],
);

export const AddDomain = graphql(
  `
    mutation AddDomain($teamId: ID!, $domain: String!) {
      addVerifiedDomain(teamId: $teamId, domain: $domain) {
        ...DomainFields
      }
    }
  `,
  [DomainFields],
);

export const VerifyDomain = graphql(
  `
    mutation VerifyDomain($teamId: ID!, $domainId: ID!) {
      verifyDomain(teamId: $teamId, domainId: $domainId) {
        ...DomainFields
      }
    }
  `,
  [DomainFields],
);

export const RemoveDomain = graphql(`
  mutation RemoveDomain($teamId: ID!, $domainId: ID!) {
    removeDomain(teamId: $teamId, domainId: $domainId)
  }
`);

export const ApiTokensQuery = graphql(`
  query ApiTokens($teamId: ID!) {
    apiTokens(teamId: $teamId) {
      id
      name
      prefix
      scope
      createdAt
      lastUsedAt
    }
  }
`);

export const CreateApiToken = graphql(`
  mutation CreateApiToken($teamId: ID!, $name: String!) {
    createApiToken(teamId: $teamId, name: $name) {
      secret
      token {
        id
        name
        prefix
      }
    }
  }
`);

export const RevokeApiToken = graphql(`
  mutation RevokeApiToken($teamId: ID!, $id: ID!) {
    revokeApiToken(teamId: $teamId, id: $id)
  }
`);

export const AuditEventsQuery = graphql(
  `
    query AuditEvents(
      $teamId: ID!
      $first: Int!
      $after: String
      $action: String
      $actor: String
      $outcome: String
      $since: DateTimeISO
      $until: DateTimeISO
    ) {
      team(id: $teamId) {
        id
        auditEvents(first: $first, after: $after, action: $action, actor: $actor, outcome: $outcome, since: $since, until: $until) {
          pageInfo {
            ...PageInfoFields
          }
          edges {
            cursor
            node {
              id
              at
              action
              outcome
              reason
              actorType
              actorId
              actorLabel
              channel
              targetType
              targetId
            }
          }
        }
      }
    }
  `,
  [PageInfoFields],
);

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints($teamId: ID) {
    webhookEndpoints(teamId: $teamId) {
      id
      url
      description
      eventTypes
      enabled
      disabledReason
      disabledAt
      failingSince
      previousSecretExpiresAt
      createdAt
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID!, $first: Int!, $before: ID, $status: WebhookDeliveryStatus) {
    webhookDeliveries(endpointId: $endpointId, first: $first, before: $before, status: $status) {
      id
      eventId
      eventType
      status
      attempts
      createdAt
      deliveredAt
      nextAttemptAt
      lastStatusCode
      lastDurationMs
      lastError
      log {
        attempt
        at
        statusCode
        durationMs
        error
      }
    }
  }
`);

export const CreateWebhookEndpoint = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        id
        url
      }
    }
  }
`);

export const UpdateWebhookEndpoint = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      id
      url
      description
      eventTypes
      enabled
      disabledReason
      disabledAt
      failingSince
    }
  }
`);

export const DeleteWebhookEndpoint = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

export const RotateWebhookSecret = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(id: $id) {
      secret
      endpoint {
        id
        previousSecretExpiresAt
      }
    }
  }
`);

export const RedeliverWebhook = graphql(`
  mutation RedeliverWebhook($deliveryId: ID!) {
    redeliverWebhook(deliveryId: $deliveryId) {
      id
      status
      nextAttemptAt
    }
  }
`);

export const TeamsQuery = graphql(`
  query Teams($search: String) {
    teams(search: $search) {
      id
      name
      slug
      createdAt
    }
  }
`);

export const TeamQuery = graphql(`
  query Team($id: ID!) {
    team(id: $id) {
      id
      name
      slug
    }
  }
`);

export const CreateTeam = graphql(`
  mutation CreateTeam($name: String!, $slug: String!) {
    createTeam(name: $name, slug: $slug) {
      id
      name
      slug
      createdAt
    }
  }
`);

export type MemberRow = ResultOf<typeof MembersQuery>['team']['members']['edges'][number]['node'];
export type LicenseRow = ResultOf<typeof GroupsAndLicensesQuery>['team']['licenses'][number];
export type GroupRow = ResultOf<typeof GroupsAndLicensesQuery>['team']['groups'][number];
export type SetupLinkRow = ResultOf<typeof SetupLinksQuery>['team']['setupLinks'][number];
export type SignInMethodRow = ResultOf<typeof SignInPolicyQuery>['signInMethods'][number];
export type DomainRow = ResultOf<typeof DomainsQuery>['team']['domains'][number];
export type ApiTokenRow = ResultOf<typeof ApiTokensQuery>['apiTokens'][number];
export type AuditEventRow = ResultOf<typeof AuditEventsQuery>['team']['auditEvents']['edges'][number]['node'];
export type WebhookEndpointRow = ResultOf<typeof WebhookEndpointsQuery>['webhookEndpoints'][number];
export type WebhookDeliveryRow = ResultOf<typeof WebhookDeliveriesQuery>['webhookDeliveries'][number];
export type TeamRow = ResultOf<typeof TeamsQuery>['teams'][number];

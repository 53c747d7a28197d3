import type { TestRoster } from '@roster/server/testing';

export const MEMBER_FIELDS = 'id userName status role creditLimit licenses { licenseType { key } state } groups { id displayName }';

export async function ok<T>(t: TestRoster, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await t.gql<T>(query, variables, { token });
  if (r.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

export async function errorCode(
  t: TestRoster,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<string | undefined> {
  const r = await t.gql(query, variables, token ? { token } : undefined);
  return r.errors?.[0]?.extensions?.code;
}

export async function licenses(t: TestRoster, teamId: string, token: string) {
  const d = await ok<{
    team: {
      licenses: Array<{ id: string; key: string; purchased: number; used: number; pending: number; available: number; groupId: string }>;
    };
  }>(t, 'query($id: ID!) { team(id: $id) { licenses { id key purchased used pending available groupId } } }', { id: teamId }, token);
  return Object.fromEntries(d.team.licenses.map((l) => [l.key, l]));
}

export async function memberLicenses(t: TestRoster, memberId: string, token: string): Promise<Record<string, string>> {
  const d = await ok<{ member: { licenses: Array<{ licenseType: { key: string }; state: string }> } }>(
    t,
    'query($id: ID!) { member(id: $id) { licenses { licenseType { key } state } } }',
    { id: memberId },
    token,
  );
  return Object.fromEntries(d.member.licenses.map((l) => [l.licenseType.key, l.state]));
}

export const ADD_MEMBER = 'mutation($teamId: ID!, $email: String!) { addMember(teamId: $teamId, input: { email: $email }) { id status } }';
export const ADD_TO_GROUP = 'mutation($id: ID!, $ids: [ID!]!) { addGroupMembers(id: $id, memberIds: $ids) { id } }';
export const REMOVE_FROM_GROUP = 'mutation($id: ID!, $ids: [ID!]!) { removeGroupMembers(id: $id, memberIds: $ids) { id } }';
export const DEACTIVATE = 'mutation($id: ID!) { deactivateMember(id: $id) { id status } }';
export const REACTIVATE = 'mutation($id: ID!) { reactivateMember(id: $id) { id status } }';

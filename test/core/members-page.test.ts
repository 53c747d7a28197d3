import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { SYSTEM_ACTOR } from '@roster/core';
import { errorCode, licenses, ok } from './helpers.js';

// Issue #19, members page: the page, its count and its members' groups and licenses come from
// one prepared statement that reads only what the query selects. These tests hold that statement
// to plain SQL over the same rows (filters, counts, keyset order) and to `member(id)`, which still
// reads groups and licenses through the per-request batches.

let t: TestRoster;
let team: { teamId: string; slug: string; ownerToken: string; ownerId: string };
let groupId: string;
let salesperson: { id: string; groupId: string };
beforeAll(async () => {
  t = await startTestRoster({ roster: { webhooks: { intervalMs: 60 * 60_000 } } });
  team = await t.createTeam(undefined, { salesperson: 4 });
  const lic = await licenses(t, team.teamId, team.ownerToken);
  salesperson = lic.salesperson!;
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    const m = await t.core.members.provision(
      team.teamId,
      {
        userName: `p${i}@${team.slug}.example.com`,
        email: `p${i}@${team.slug}.example.com`,
        givenName: i % 3 ? `Ann${i}` : `Bob${i}`,
        familyName: i % 4 ? 'Smith' : 'O_Hara%',
      },
      SYSTEM_ACTOR,
    );
    ids.push(m.id);
  }
  groupId = (
    await t.core.groups.create(
      team.teamId,
      { displayName: 'EMEA', externalId: 'okta-emea', memberIds: ids.filter((_, i) => i % 2) },
      SYSTEM_ACTOR,
    )
  ).id;
  await t.core.groups.create(team.teamId, { displayName: 'Alpha', memberIds: ids.filter((_, i) => i % 3 === 0) }, SYSTEM_ACTOR);
  // 9 ask for a salesperson seat: 4 granted, 5 waiting.
  await t.core.groups.setMembers(team.teamId, salesperson.groupId, { add: ids.slice(5, 14) }, SYSTEM_ACTOR);
  for (const id of [ids[2]!, ids[7]!, ids[12]!, ids[20]!]) await t.core.members.setActive(team.teamId, id, false, SYSTEM_ACTOR);
});
afterAll(async () => {
  await t?.close();
});

interface Filter {
  status?: 'active' | 'inactive';
  search?: string;
  groupId?: string;
  licenseTypeId?: string;
  licenseState?: 'GRANTED' | 'PENDING_SEAT';
}

/** The members a filter matches, in the page's order, by plain SQL. */
async function expected(filter: Filter): Promise<string[]> {
  const where = ['m.team_id = ?'];
  const params: unknown[] = [team.teamId];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.status) add('m.status = ?', filter.status);
  if (filter.groupId) add('m.id in (select membership_id from group_member where group_id = ?)', filter.groupId);
  if (filter.licenseTypeId || filter.licenseState) {
    // One assignment of that type in that state.
    where.push(
      'm.id in (select membership_id from license_assignment where license_type_id = coalesce(?, license_type_id) and state = coalesce(?, state))',
    );
    params.push(filter.licenseTypeId ?? null, filter.licenseState ?? null);
  }
  if (filter.search) {
    const s = filter.search.toLowerCase();
    where.push(
      `(strpos(lower(m.user_name), ?) > 0 or strpos(lower(u.email), ?) > 0
        or strpos(lower(coalesce(u.given_name, '') || ' ' || coalesce(u.family_name, '')), ?) > 0 or strpos(lower(u.display_name), ?) > 0)`,
    );
    params.push(s, s, s, s);
  }
  const rows = await t.core.read<{ id: string }>(
    `select m.id from membership m join "user" u on u.id = m.user_id where ${where.join(' and ')} order by m.created_at, m.id`,
    params,
  );
  return rows.map((r) => r.id);
}

const PAGE = `query($id: ID!, $first: Int!, $after: String, $filter: MembersFilter) { team(id: $id) {
  members(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } }`;
type Page = {
  team: {
    members: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ cursor: string; node: { id: string } }>;
    };
  };
};

/** Every page of a filter, `first` at a time, as the console pages forward. */
async function pageThrough(filter: Filter, first: number) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const d: Page = await ok<Page>(t, PAGE, { id: team.teamId, first, after, filter }, team.ownerToken);
    const m = d.team.members;
    totals.add(m.totalCount);
    ids.push(...m.edges.map((e) => e.node.id));
    if (m.edges.length) expect(m.pageInfo.endCursor).toBe(m.edges.at(-1)!.cursor);
    if (!m.pageInfo.hasNextPage) return { ids, totals: [...totals] };
    after = m.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

describe('#19 members page', () => {
  it('#19: totalCount is exact and paging visits every match once, in keyset order, for each filter the console and the API offer', async () => {
    const filters: Filter[] = [
      {},
      { status: 'active' },
      { status: 'inactive' },
      { search: 'bob' },
      { search: 'o_hara%' }, // LIKE's wildcards match themselves
      { search: 'ANN1', status: 'active' },
      { groupId },
      { groupId, status: 'inactive' },
      { licenseTypeId: salesperson.id },
      { licenseTypeId: salesperson.id, licenseState: 'PENDING_SEAT' },
      { search: 'smith', status: 'inactive' },
      { search: '.example.com\nann' }, // each text is matched on its own, never across two of them
      { search: 'nobody-matches-this' },
    ];
    for (const filter of filters) {
      const want = await expected(filter);
      for (const first of [1, 4, 100]) {
        const got = await pageThrough(filter, first);
        expect({ filter, first, ids: got.ids }).toEqual({ filter, first, ids: want });
        expect({ filter, first, totals: got.totals }).toEqual({ filter, first, totals: [want.length] });
      }
    }
    expect((await expected({ search: 'o_hara%' })).length).toBeGreaterThan(0);
    expect((await expected({ groupId, status: 'inactive' })).length).toBeGreaterThan(0);
  });

  it('#19: past the last member a page is empty and still carries the count; cursors keep their format (ISO time|id, base64url)', async () => {
    const all = await ok<Page>(t, PAGE, { id: team.teamId, first: 100 }, team.ownerToken);
    const last = all.team.members.edges.at(-1)!;
    const [at, id] = Buffer.from(last.cursor, 'base64url').toString('utf8').split('|');
    expect(id).toBe(last.node.id);
    expect(new Date(at!).toISOString()).toBe(at);
    const after = await ok<Page>(
      t,
      PAGE,
      { id: team.teamId, first: 10, after: last.cursor, filter: { status: 'active' } },
      team.ownerToken,
    );
    expect(after.team.members.edges).toEqual([]);
    expect(after.team.members.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(after.team.members.totalCount).toBe((await expected({ status: 'active' })).length);
    expect(await errorCode(t, PAGE, { id: team.teamId, first: 10, after: 'bm90LWEtY3Vyc29y' }, team.ownerToken)).toBe('BAD_USER_INPUT');
  });

  it('#19: the page answers the same members, groups and licenses as member(id), whatever fields, fragments and aliases it asks for', async () => {
    const FIELDS = `id teamId userId userName email givenName familyName displayName role status creditLimit externalId attributes
      createdAt updatedAt deactivatedAt
      groups { id teamId displayName externalId licenseTypeId createdAt memberCount licenseType { key } }
      licenses { state requestedAt grantedAt licenseType { id key name } }`;
    type Node = Record<string, unknown> & { id: string };
    const page = await ok<{ team: { members: { edges: Array<{ node: Node }> } } }>(
      t,
      `query($id: ID!) { team(id: $id) { members(first: 100) { edges { node { ${FIELDS} } } } } }`,
      { id: team.teamId },
      team.ownerToken,
    );
    const nodes = page.team.members.edges.map((e) => e.node);
    expect(nodes).toHaveLength(24);
    expect(nodes.filter((n) => (n.groups as unknown[]).length > 1).length).toBeGreaterThan(0);
    expect(new Set(nodes.flatMap((n) => (n.licenses as Array<{ state: string }>).map((l) => l.state)))).toEqual(
      new Set(['GRANTED', 'PENDING_SEAT']),
    );
    for (const n of nodes) {
      const one = await ok<{ member: Node }>(t, `query($id: ID!) { member(id: $id) { ${FIELDS} } }`, { id: n.id }, team.ownerToken);
      expect(n).toEqual(one.member);
    }
    // A member's groups are the groups' own rows (their external id and creation time, not the
    // member's), held to plain SQL.
    const groupRows = await t.core.read<{ id: string; external_id: string | null; created_at: Date }>(
      'select id, external_id, created_at from "group" where team_id = ?',
      [team.teamId],
    );
    const byId = new Map(
      groupRows.map((g) => [g.id, { teamId: team.teamId, externalId: g.external_id, createdAt: new Date(g.created_at).toISOString() }]),
    );
    const shown = nodes.flatMap((n) => n.groups as Array<{ id: string; teamId: string; externalId: string | null; createdAt: string }>);
    expect(shown.some((g) => g.externalId === 'okta-emea')).toBe(true);
    for (const g of shown) expect({ teamId: g.teamId, externalId: g.externalId, createdAt: g.createdAt }).toEqual(byId.get(g.id));
    // The same when a page reads those parts alone (one part: bare JSON values).
    const alone = await ok<{ team: { members: { edges: Array<{ node: { id: string; groups: Array<{ createdAt: string }> } }> } } }>(
      t,
      `query($id: ID!) { team(id: $id) { members(first: 100) { edges { node { id groups { createdAt } } } } } }`,
      { id: team.teamId },
      team.ownerToken,
    );
    expect(alone.team.members.edges.map((e) => e.node)).toEqual(
      nodes.map((n) => ({ id: n.id, groups: (n.groups as Array<{ createdAt: string }>).map((g) => ({ createdAt: g.createdAt })) })),
    );

    // The same page through a named fragment, an inline fragment and aliases: the statement must
    // still read what each of them shows.
    const viaFragments = await ok<{ team: { members: { edges: Array<{ node: Record<string, unknown> }> } } }>(
      t,
      `query($id: ID!) { team(id: $id) { members(first: 100) { edges { node { ...M ... on Member { who: email } } } } } }
       fragment M on Member { id seen: groups { name: displayName } licenses { licenseType { ...L } } }
       fragment L on LicenseType { key }`,
      { id: team.teamId },
      team.ownerToken,
    );
    expect(viaFragments.team.members.edges.map((e) => e.node)).toEqual(
      nodes.map((n) => ({
        id: n.id,
        who: n.email,
        seen: (n.groups as Array<{ displayName: string }>).map((g) => ({ name: g.displayName })),
        licenses: (n.licenses as Array<{ licenseType: { key: string } }>).map((l) => ({ licenseType: { key: l.licenseType.key } })),
      })),
    );
  });

  it("#19: a page reads its members' creation times and one member more only for what asks for them: cursors, pageInfo, createdAt", async () => {
    const all = await ok<Page>(t, PAGE, { id: team.teamId, first: 10 }, team.ownerToken);
    const edges = all.team.members.edges;
    const d = await ok<{
      team: {
        a: { pageInfo: { endCursor: string }; edges: Array<{ node: { id: string } }> };
        b: { edges: Array<{ node: { id: string; createdAt: string } }> };
        c: { pageInfo: { hasNextPage: boolean }; edges: Array<{ node: { id: string } }> };
        d: { edges: Array<{ node: { id: string } }> };
      };
    }>(
      t,
      `query($id: ID!) { team(id: $id) {
         a: members(first: 10) { pageInfo { endCursor } edges { node { id } } }
         b: members(first: 10) { edges { node { id createdAt } } }
         c: members(first: 10) { pageInfo { hasNextPage } edges { node { id } } }
         d: members(first: 10) { edges { node { id } } } } }`,
      { id: team.teamId },
      team.ownerToken,
    );
    const ids = edges.map((e) => e.node.id);
    expect(d.team.a.pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
    expect(d.team.b.edges.map((e) => e.node.id)).toEqual(ids);
    expect(
      d.team.b.edges.map(
        (e) =>
          Buffer.from(edges.find((x) => x.node.id === e.node.id)!.cursor, 'base64url')
            .toString()
            .split('|')[0],
      ),
    ).toEqual(d.team.b.edges.map((e) => e.node.createdAt));
    expect(d.team.c.pageInfo.hasNextPage).toBe(true);
    for (const page of [d.team.a, d.team.c, d.team.d]) expect(page.edges.map((e) => e.node.id)).toEqual(ids);
  });

  it('#19: two pages of one query (aliases) that read different parts of the groups each answer their own', async () => {
    type Groups = Array<{ id?: string; displayName: string; licenseTypeId?: string | null }>;
    const d = await ok<{
      team: {
        a: { edges: Array<{ node: { id: string; groups: Groups } }> };
        b: { edges: Array<{ node: { id: string; groups: Groups } }> };
      };
    }>(
      t,
      `query($id: ID!) { team(id: $id) {
         a: members(first: 30) { edges { node { id groups { displayName } } } }
         b: members(first: 30) { edges { node { id groups { id displayName licenseTypeId } } } } } }`,
      { id: team.teamId },
      team.ownerToken,
    );
    const full = new Map(d.team.b.edges.map((e) => [e.node.id, e.node.groups]));
    expect(d.team.a.edges.map((e) => e.node.id)).toEqual([...full.keys()]);
    for (const e of d.team.a.edges) expect(e.node.groups).toEqual(full.get(e.node.id)!.map((g) => ({ displayName: g.displayName })));
    expect([...full.values()].flat().every((g) => typeof g.id === 'string')).toBe(true);
    expect([...full.values()].flat().some((g) => g.licenseTypeId)).toBe(true);
  });

  it('#19: a page is the viewer lookup and one named prepared statement; a team read for its own fields, or by a platform admin, adds the team lookup', async () => {
    const proto = (
      t.roster.orm.em.getConnection().getKnex().client as { driver: { Client: { prototype: { query: (...a: unknown[]) => unknown } } } }
    ).driver.Client.prototype;
    const original = proto.query;
    const seen: Array<{ name?: string; text: string }> = [];
    proto.query = function (this: unknown, ...args: unknown[]) {
      const c = args[0] as string | { name?: string; text: string };
      seen.push(typeof c === 'string' ? { text: c } : { name: c.name, text: c.text });
      return original.apply(this, args);
    };
    const run = async (query: string, token: string) => {
      seen.length = 0;
      const r = await t.gql(query, { id: team.teamId }, { token });
      expect(r.errors).toBeUndefined();
      return seen.map((s) => ({
        prepared: Boolean(s.name),
        table: /from (membership|team|session)\b/.exec(s.text)?.[1] ?? s.text.slice(0, 40),
      }));
    };
    try {
      const members =
        'query($id: ID!) { team(id: $id) { id members(first: 50) { totalCount edges { node { id groups { id } licenses { state } } } } } }';
      expect(await run(members, team.ownerToken)).toEqual([
        { prepared: true, table: 'session' },
        { prepared: true, table: 'membership' },
      ]);
      expect(await run('query($id: ID!) { team(id: $id) { name members(first: 5) { totalCount } } }', team.ownerToken)).toEqual([
        { prepared: true, table: 'session' },
        { prepared: true, table: 'team' },
        { prepared: true, table: 'membership' },
      ]);
      // The page size is written into the statement (a bound `limit $n` plans every page anew): the
      // sizes clients use are prepared, any other size runs unnamed so it cannot fill the cache.
      expect(await run(members.replace('first: 50', 'first: 7'), team.ownerToken)).toEqual([
        { prepared: true, table: 'session' },
        { prepared: false, table: 'membership' },
      ]);
      expect(seen.at(-1)!.text).toMatch(/limit 7\b/); // no pageInfo asked for: no member more
      const admin = await t.platformAdminToken();
      expect(await run(members, admin)).toEqual([
        { prepared: true, table: 'session' },
        { prepared: true, table: 'team' },
        { prepared: true, table: 'membership' },
      ]);
    } finally {
      proto.query = original;
    }
  });

  it('#19: team(id) answers NOT_FOUND for a team that does not exist or an id that is no uuid (platform admin), and for another team (member)', async () => {
    const admin = await t.platformAdminToken();
    const Q = 'query($id: ID!) { team(id: $id) { id members(first: 5) { totalCount } } }';
    expect(await errorCode(t, Q, { id: '00000000-0000-4000-8000-000000000000' }, admin)).toBe('NOT_FOUND');
    expect(await errorCode(t, Q, { id: 'not-a-uuid' }, admin)).toBe('NOT_FOUND');
    const other = await t.createTeam();
    expect(await errorCode(t, Q, { id: other.teamId }, team.ownerToken)).toBe('NOT_FOUND');
    const d = await ok<{ team: { id: string; members: { totalCount: number } } }>(t, Q, { id: team.teamId }, admin);
    expect(d.team).toEqual({ id: team.teamId, members: { totalCount: 24 } });
  });
});

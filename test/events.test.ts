import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { createAdmin, createPluginCore } from '@roster/server';
import { onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';
import { scimPlugin } from '@roster/plugin-scim';
import { generateSpKeyPair, reportExpiringCertificates, samlPlugin, selfSignedCertificate } from '@roster/plugin-saml';
import { pluginEvents } from '@roster/plugin-sdk';

/**
 * Issue 18: every change writes its event in its own transaction, whichever channel made it
 * (GraphQL, SCIM, sign-in, the CLI's helpers), in per-team order; none for a change that rolled
 * back; a consumer catching up from a cursor sees exactly the events after it.
 */
let t: TestRoster;
const txt = new Map<string, string[][]>();
beforeAll(async () => {
  t = await startTestRoster({
    plugins: [scimPlugin() as never, samlPlugin() as never],
    roster: { migrate: true, resolveTxt: async (name: string) => txt.get(name) ?? [] },
  });
});
afterAll(async () => {
  await t?.close();
});

interface Ev {
  id: string;
  type: string;
  teamId: string | null;
  seq: string;
  channel: string;
  data: Record<string, unknown>;
  actor: { type: string; label: string | null };
}
const EVENTS = `query($t: ID, $after: String, $types: [String!], $first: Int) {
  events(teamId: $t, after: $after, types: $types, first: $first) {
    edges { cursor node { id type teamId seq channel data actor { type label } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function gql<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await t.gql<T>(query, variables, { token });
  if (r.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** Every event after `after` (all pages), through the GraphQL API; answers them and the cursor to go on from. */
async function readAll(token: string, teamId: string | null, after: string | null, types?: string[]) {
  const out: Ev[] = [];
  let cursor = after;
  for (;;) {
    const d = await gql<{ events: { edges: Array<{ node: Ev }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      EVENTS,
      { t: teamId, after: cursor, types, first: 25 },
      token,
    );
    out.push(...d.events.edges.map((e) => e.node));
    cursor = d.events.pageInfo.endCursor;
    if (!d.events.pageInfo.hasNextPage) return { events: out, cursor };
  }
}

/** A team with a consumer: `step(fn)` runs a change and answers exactly the events it wrote. */
async function watchedTeam(seats?: Partial<Record<string, number>>) {
  const team = await t.createTeam(undefined, seats);
  let cursor = (await readAll(team.ownerToken, team.teamId, null)).cursor;
  let lastSeq = 0;
  const all: Ev[] = [];
  return {
    ...team,
    all,
    async step(fn: () => Promise<unknown>): Promise<Ev[]> {
      await fn();
      const r = await readAll(team.ownerToken, team.teamId, cursor);
      cursor = r.cursor;
      for (const e of r.events) {
        // #18.4: per-team order: each event's seq follows the previous one.
        expect(Number(e.seq)).toBeGreaterThan(lastSeq);
        lastSeq = Number(e.seq);
        expect(e.teamId).toBe(team.teamId);
      }
      all.push(...r.events);
      return r.events;
    },
  };
}

const types = (evs: Ev[]) => evs.map((e) => e.type);

function scim(slug: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${t.url}/scim/v2/${slug}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
}
const scimUser = (userName: string, active = true) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'S', familyName: 'Cim' },
  emails: [{ value: userName, primary: true }],
  active,
});
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('#18 events on every channel', () => {
  it('#18.2: GraphQL changes write exactly their events, with resource, actor and channel', async () => {
    const w = await watchedTeam({ salesperson: 1 });
    const add = (email: string) =>
      gql<{ addMember: { id: string } }>(
        'mutation($t: ID!, $e: String!) { addMember(teamId: $t, input: { email: $e }) { id } }',
        { t: w.teamId, e: email },
        w.ownerToken,
      ).then((d) => d.addMember.id);
    let a = '';
    let b = '';
    const created = await w.step(async () => (a = await add(`a@${w.slug}.example.com`)));
    expect(types(created)).toEqual(['member.created']);
    expect(created[0]!.channel).toBe('graphql');
    expect(created[0]!.actor.type).toBe('user');
    expect(created[0]!.data).toMatchObject({ id: a, teamId: w.teamId, userName: `a@${w.slug}.example.com`, status: 'active' });
    await w.step(async () => (b = await add(`b@${w.slug}.example.com`)));

    const updated = await w.step(() =>
      gql('mutation($id: ID!) { updateMember(id: $id, input: { creditLimit: 4 }) { id } }', { id: a }, w.ownerToken),
    );
    expect(types(updated)).toEqual(['member.updated']);
    expect(updated[0]!.data).toMatchObject({ id: a, creditLimit: 4 });

    const lic = await gql<{ team: { licenses: Array<{ id: string; key: string; groupId: string }> } }>(
      'query($id: ID!) { team(id: $id) { licenses { id key groupId } } }',
      { id: w.teamId },
      w.ownerToken,
    );
    const sales = lic.team.licenses.find((l) => l.key === 'salesperson')!;
    const joined = await w.step(() =>
      gql(
        'mutation($id: ID!, $m: [ID!]!) { addGroupMembers(id: $id, memberIds: $m) { id } }',
        { id: sales.groupId, m: [a, b] },
        w.ownerToken,
      ),
    );
    expect(types(joined)).toEqual(['group.members_changed', 'license.granted', 'license.waitlisted']);
    expect(joined[0]!.data).toEqual({ id: sales.groupId, added: [a, b].sort(), removed: [] });
    const granted = joined[1]!.data.memberId as string;
    const waiting = joined[2]!.data.memberId as string;
    expect(new Set([granted, waiting])).toEqual(new Set([a, b]));
    expect(joined[1]!.data).toMatchObject({ licenseTypeId: sales.id, state: 'GRANTED' });

    // Deactivating the seat holder: their seat goes to the one waiting.
    const deactivated = await w.step(() => gql('mutation($id: ID!) { deactivateMember(id: $id) { id } }', { id: granted }, w.ownerToken));
    expect(types(deactivated)).toEqual(['member.deactivated', 'license.waitlisted', 'license.granted']);
    expect(deactivated[0]!.data).toMatchObject({ id: granted, status: 'inactive' });
    expect(deactivated[2]!.data.memberId).toBe(waiting);
    const reactivated = await w.step(() => gql('mutation($id: ID!) { reactivateMember(id: $id) { id } }', { id: granted }, w.ownerToken));
    expect(types(reactivated)).toEqual(['member.reactivated']);

    const seats = await w.step(() =>
      gql(
        'mutation($t: ID!, $l: ID!) { setLicenseSeats(teamId: $t, licenseTypeId: $l, seats: 2) { id } }',
        { t: w.teamId, l: sales.id },
        w.ownerToken,
      ),
    );
    expect(types(seats)).toEqual(['seats.changed', 'license.granted']);
    expect(seats[0]!.data).toMatchObject({ licenseTypeId: sales.id, seats: 2, previousSeats: 1 });

    let g = '';
    const group = await w.step(async () => {
      g = (
        await gql<{ createGroup: { id: string } }>(
          'mutation($t: ID!) { createGroup(teamId: $t, displayName: "G") { id } }',
          { t: w.teamId },
          w.ownerToken,
        )
      ).createGroup.id;
    });
    expect(types(group)).toEqual(['group.created']);
    expect(group[0]!.data).toMatchObject({ id: g, displayName: 'G' });
    expect(
      types(await w.step(() => gql('mutation($id: ID!) { renameGroup(id: $id, displayName: "H") { id } }', { id: g }, w.ownerToken))),
    ).toEqual(['group.updated']);
    expect(types(await w.step(() => gql('mutation($id: ID!) { deleteGroup(id: $id) }', { id: g }, w.ownerToken)))).toEqual([
      'group.deleted',
    ]);

    const removed = await w.step(() => gql('mutation($id: ID!) { removeMember(id: $id) }', { id: b }, w.ownerToken));
    expect(types(removed)).toEqual(['license.revoked', 'member.removed']);
    expect(removed[1]!.data).toEqual({ id: b });

    let tokenId = '';
    const tok = await w.step(async () => {
      tokenId = (
        await gql<{ createScimToken: { token: { id: string } } }>(
          'mutation($t: ID!) { createScimToken(teamId: $t, name: "okta") { token { id } } }',
          { t: w.teamId },
          w.ownerToken,
        )
      ).createScimToken.token.id;
    });
    expect(types(tok)).toEqual(['scim.token.created']);
    expect(tok[0]!.data).toMatchObject({ id: tokenId, name: 'okta', scope: 'scim', revoked: false });
    expect(tok[0]!.data).not.toHaveProperty('tokenHash');
    const revoked = await w.step(() =>
      gql('mutation($t: ID!, $id: ID!) { revokeScimToken(teamId: $t, id: $id) }', { t: w.teamId, id: tokenId }, w.ownerToken),
    );
    expect(types(revoked)).toEqual(['scim.token.revoked']);

    const domain = `${w.slug}.example.org`;
    const d = await gql<{ addVerifiedDomain: { id: string; txtRecord: string } }>(
      'mutation($t: ID!, $d: String!) { addVerifiedDomain(teamId: $t, domain: $d) { id txtRecord } }',
      { t: w.teamId, d: domain },
      w.ownerToken,
    );
    w.all.length = 0;
    txt.set(`_roster-challenge.${domain}`, [[d.addVerifiedDomain.txtRecord]]);
    const verify = () =>
      gql(
        'mutation($t: ID!, $d: ID!) { verifyDomain(teamId: $t, domainId: $d) { id } }',
        { t: w.teamId, d: d.addVerifiedDomain.id },
        w.ownerToken,
      );
    const verified = await w.step(verify);
    expect(types(verified.filter((e) => e.type.startsWith('domain.v')))).toEqual(['domain.verified']);
    expect(verified.at(-1)!.data).toMatchObject({ id: d.addVerifiedDomain.id, domain, verified: true });
    // Verifying again changes nothing: no second event.
    expect(await w.step(verify)).toEqual([]);
  });

  it('#18.2: SCIM changes (through the scim plugin) write the same events, on the scim channel', async () => {
    const w = await watchedTeam();
    let secret = '';
    const token = await w.step(async () => (secret = (await t.core.tokens.create(w.teamId, 'okta', 'scim', SYSTEM_ACTOR)).secret));
    expect(types(token)).toEqual(['scim.token.created']);
    w.all.length = 0;
    const call = scim(w.slug, secret);
    let id = '';
    const created = await w.step(async () => {
      const r = await call('POST', '/Users', scimUser(`s@${w.slug}.example.com`));
      expect(r.status).toBe(201);
      id = r.json.id as string;
    });
    expect(types(created)).toEqual(['member.created']);
    expect(created[0]!).toMatchObject({ channel: 'scim', actor: { type: 'token', label: 'okta' } });
    expect(created[0]!.data).toMatchObject({ id, givenName: 'S', email: `s@${w.slug}.example.com` });

    const patched = await w.step(async () =>
      expect(
        (await call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Dee' }] }))
          .status,
      ).toBeLessThan(300),
    );
    expect(types(patched)).toEqual(['member.updated']);
    expect(patched[0]!.data).toMatchObject({ displayName: 'Dee' });
    const off = await w.step(async () =>
      expect(
        (await call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).status,
      ).toBeLessThan(300),
    );
    expect(types(off)).toEqual(['member.deactivated']);
    expect(off[0]!.data).toMatchObject({ id, status: 'inactive', displayName: 'Dee' });
    // The same PATCH again is no change: no event.
    expect(
      await w.step(() =>
        call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      ),
    ).toEqual([]);
    const on = await w.step(() => call('PUT', `/Users/${id}`, { ...scimUser(`s@${w.slug}.example.com`), displayName: 'Dee' }));
    expect(types(on)).toEqual(['member.reactivated']);

    let gid = '';
    const group = await w.step(async () => {
      const r = await call('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Eng',
        members: [{ value: id }],
      });
      expect(r.status).toBe(201);
      gid = r.json.id as string;
    });
    expect(types(group)).toEqual(['group.created', 'group.members_changed']);
    const out = await w.step(() =>
      call('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] }),
    );
    expect(types(out)).toEqual(['group.members_changed']);
    expect(out[0]!.data).toEqual({ id: gid, added: [], removed: [id] });
    expect(types(await w.step(() => call('DELETE', `/Groups/${gid}`)))).toEqual(['group.deleted']);
    expect(types(await w.step(() => call('DELETE', `/Users/${id}`)))).toEqual(['member.removed']);
    expect(w.all.every((e) => e.channel === 'scim')).toBe(true);
  });

  it('#18.2: sign-in writes signin.succeeded and signin.refused; the CLI helper writes member.created on the cli channel', async () => {
    const w = await watchedTeam();
    const email = `cli@${w.slug}.example.com`;
    let memberId = '';
    const cli = await w.step(async () => (memberId = await createAdmin(t.core, w.teamId, email, 'a-long-password')));
    expect(types(cli)).toEqual(['member.created']);
    expect(cli[0]!).toMatchObject({ channel: 'cli', data: { id: memberId, role: 'admin' } });

    const login = (password: string) =>
      fetch(`${t.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
    const good = await w.step(async () => expect((await login('a-long-password')).status).toBe(200));
    expect(types(good)).toEqual(['signin.succeeded']);
    expect(good[0]!).toMatchObject({ channel: 'password', data: { memberId, method: 'password', email } });
    const bad = await w.step(async () => expect((await login('wrong-password')).status).toBe(401));
    expect(types(bad)).toEqual(['signin.refused']);
    expect(bad[0]!.data).toMatchObject({ email, code: 'INVALID_CREDENTIALS' });
  });

  it('#18.4: a change that rolls back after its write leaves no event (fast paths and transactional ones)', async () => {
    const w = await watchedTeam();
    // A failure at commit, after every write of the transaction: a deferred trigger on the log
    // itself refuses events about a marked resource.
    await t.core.read(`create or replace function roster_test_fail_marked() returns trigger language plpgsql as $$
      begin
        if new.data::text like '%rollback-me%' then raise exception 'forced failure after the write'; end if;
        return null;
      end $$`);
    await t.core.read(`drop trigger if exists roster_test_fail_marked on event`);
    await t.core.read(`create constraint trigger roster_test_fail_marked after insert on event deferrable initially deferred
      for each row execute function roster_test_fail_marked()`);
    try {
      const m = await t.core.members.provision(w.teamId, { userName: `keep@${w.slug}.example.com` }, SYSTEM_ACTOR);
      const evs = await w.step(async () => {
        // One statement (a new person): member, audit and event in one.
        await expect(t.core.members.provision(w.teamId, { userName: `rollback-me@${w.slug}.example.com` }, SYSTEM_ACTOR)).rejects.toThrow(
          /forced/,
        );
        // The transactional path (profile update).
        await expect(t.core.members.update(w.teamId, m.id, { displayName: 'rollback-me' }, SYSTEM_ACTOR)).rejects.toThrow(/forced/);
        // A group created with a member that is not in the team: fails after the group and its event were written.
        await expect(
          t.core.groups.create(w.teamId, { displayName: 'Doomed', memberIds: ['00000000-0000-4000-8000-000000000000'] }, SYSTEM_ACTOR),
        ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });
      expect(types(evs)).toEqual(['member.created']);
      expect(await t.core.members.findByUserName(w.teamId, `rollback-me@${w.slug}.example.com`)).toBeNull();
      expect((await t.core.members.get(w.teamId, m.id)).user.getEntity().displayName).toBeNull();
      expect(await t.core.read('select 1 from "group" where display_name = \'Doomed\' and team_id = ?', [w.teamId])).toEqual([]);
    } finally {
      await t.core.read('drop trigger if exists roster_test_fail_marked on event');
    }
  });

  it('#18.3: team admins read their team only; platform admins read across teams; API tokens read their team', async () => {
    const a = await t.createTeam();
    const b = await t.createTeam();
    const denied = await t.gql(EVENTS, { t: b.teamId }, { token: a.ownerToken });
    expect(denied.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const noTeam = await t.gql(EVENTS, {}, { token: a.ownerToken });
    expect(noTeam.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const member = await t.addMember(a.teamId, `m@${a.slug}.example.com`);
    expect((await t.gql(EVENTS, { t: a.teamId }, { token: member.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const platform = await t.platformAdminToken();
    const everything = await readAll(platform, null, null);
    for (const team of [a, b]) expect(everything.events.some((e) => e.teamId === team.teamId && e.type === 'team.created')).toBe(true);
    const api = await gql<{ createApiToken: { secret: string } }>(
      'mutation($t: ID!) { createApiToken(teamId: $t, name: "app") { secret } }',
      { t: a.teamId },
      a.ownerToken,
    );
    const mine = await readAll(api.createApiToken.secret, a.teamId, null, ['member.created']);
    expect(mine.events.map((e) => e.data.userName)).toContain(`m@${a.slug}.example.com`);
    expect(mine.events.every((e) => e.type === 'member.created')).toBe(true);
    const bad = await t.gql(EVENTS, { t: a.teamId, after: 'garbage' }, { token: a.ownerToken });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('#18.4: a consumer catching up from its cursor during concurrent SCIM writes sees every event exactly once, in order', async () => {
    const w = await watchedTeam();
    const platform = await t.platformAdminToken();
    const { secret } = await t.core.tokens.create(w.teamId, 'okta', 'scim', SYSTEM_ACTOR);
    const call = scim(w.slug, secret);
    let teamCursor: string | null = (await readAll(w.ownerToken, w.teamId, null)).cursor;
    let allCursor: string | null = (await readAll(platform, null, null)).cursor;
    const seenTeam: Ev[] = [];
    const seenAll: Ev[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const r = await readAll(w.ownerToken, w.teamId, teamCursor);
        seenTeam.push(...r.events);
        teamCursor = r.cursor;
        const g = await readAll(platform, null, allCursor);
        seenAll.push(...g.events.filter((e) => e.teamId === w.teamId));
        allCursor = g.cursor;
      }
    })();
    const n = onPostgresServer() ? 40 : 12;
    const names = Array.from({ length: n }, (_, i) => `c${i}@${w.slug}.example.com`);
    await Promise.all(names.map(async (u) => expect((await call('POST', '/Users', scimUser(u))).status).toBe(201)));
    writing = false;
    await reader;
    seenTeam.push(...(await readAll(w.ownerToken, w.teamId, teamCursor)).events);
    seenAll.push(...(await readAll(platform, null, allCursor)).events.filter((e) => e.teamId === w.teamId));
    for (const seen of [seenTeam, seenAll]) {
      expect(seen.map((e) => e.data.userName).sort()).toEqual([...names].sort());
      expect(new Set(seen.map((e) => e.id)).size).toBe(n);
    }
    // Team reads follow the team's sequence exactly (commit order, no gaps for these creates).
    const seqs = seenTeam.map((e) => Number(e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });

  it('#18.2: publishOnce keys on team, type and match (key order aside), and stays once after the log is pruned', async () => {
    const w = await watchedTeam();
    const events = pluginEvents('saml', t.core.events);
    const once = (match: Record<string, unknown>) =>
      t.core
        .em()
        .transactional((em) =>
          events.publishOnce(
            em,
            { teamId: w.teamId, type: 'connection.certificate_expiring', data: { id: 'c1' }, actor: SYSTEM_ACTOR },
            match,
          ),
        );
    expect(await once({ id: 'c1', fingerprintSha256: 'AA' })).toBe(true);
    expect(await once({ fingerprintSha256: 'AA', id: 'c1' })).toBe(false);
    expect(await once({ id: 'c1', fingerprintSha256: 'BB' })).toBe(true);
    // Retention deletes old events; the warning is still not repeated.
    await t.core.read('delete from event where team_id = ?', [w.teamId]);
    expect(await once({ id: 'c1', fingerprintSha256: 'AA' })).toBe(false);
    // Another team's identical key is its own.
    const other = await watchedTeam();
    expect(
      await t.core
        .em()
        .transactional((em) =>
          events.publishOnce(
            em,
            { teamId: other.teamId, type: 'connection.certificate_expiring', data: {}, actor: SYSTEM_ACTOR },
            { id: 'c1', fingerprintSha256: 'AA' },
          ),
        ),
    ).toBe(true);
  });

  it('#18.2: SSO plugins publish connection.created / updated / deleted, and certificate_expiring once per certificate', async () => {
    const w = await watchedTeam();
    const keys = await generateSpKeyPair({ commonName: 'idp' });
    // An IdP certificate that expires in ten days.
    const cert = selfSignedCertificate(keys.privateKeyPem, { commonName: 'idp', notAfter: new Date(Date.now() + 10 * 86_400_000) });
    let id = '';
    const created = await w.step(async () => {
      id = (
        await gql<{ createSamlConnection: { id: string } }>(
          'mutation($t: ID!, $i: SamlConnectionInput!) { createSamlConnection(teamId: $t, input: $i) { id } }',
          {
            t: w.teamId,
            i: { name: 'Okta', idpEntityId: 'https://idp.example/e', idpSsoUrl: 'https://idp.example/sso', idpCertificates: [cert] },
          },
          w.ownerToken,
        )
      ).createSamlConnection.id;
    });
    expect(types(created)).toEqual(['connection.created']);
    expect(created[0]!.data).toMatchObject({ id, protocol: 'saml', name: 'Okta', idpEntityId: 'https://idp.example/e' });
    expect(JSON.stringify(created[0]!.data)).not.toMatch(/PRIVATE KEY/);
    const updated = await w.step(() =>
      gql('mutation($id: ID!) { updateSamlConnection(id: $id, input: { name: "Okta 2" }) { id } }', { id }, w.ownerToken),
    );
    expect(types(updated)).toEqual(['connection.updated']);
    expect(updated[0]!.data).toMatchObject({ id, name: 'Okta 2' });

    const events = pluginEvents('saml', t.core.events);
    const core = createPluginCore(t.core);
    const expiring = await w.step(async () => {
      // Two nodes' runs at once, then a later one: one warning in all.
      await Promise.all([reportExpiringCertificates({ core, events }), reportExpiringCertificates({ core, events })]);
      await reportExpiringCertificates({ core, events });
    });
    expect(types(expiring)).toEqual(['connection.certificate_expiring']);
    expect(expiring[0]!.data).toMatchObject({ id, certificate: 'idp', expired: false, daysLeft: 9 });
    expect(expiring[0]!.channel).toBe('saml');

    expect(types(await w.step(() => gql('mutation($id: ID!) { deleteSamlConnection(id: $id) }', { id }, w.ownerToken)))).toEqual([
      'connection.deleted',
    ]);
    // A plugin publishes its own types and the shared ones only.
    await expect(
      t.core.em().transactional((em) => events.publish(em, { teamId: w.teamId, type: 'member.created', data: {}, actor: SYSTEM_ACTOR })),
    ).rejects.toThrow(/saml\./);
  });
});

/**
 * #17 provisioning simulator: `roster demo scim --as okta|entra` over real HTTP against a booted
 * Roster. Each run must leave the team in the state the made-up directory describes (members,
 * groups, seats, waitlist, as an admin sees them in GraphQL), and a second run must change
 * nothing at all (no write request, no audit event).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { demoCommand, expectedOutcome, people, progress, runCycle } from '@roster/cli';
import { scimPlugin } from '@roster/plugin-scim';
import { DEMO, seedDemo } from '@roster/server';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

const SEATS = { salesperson: 10, 'prep-user': 5, manager: 2 };
/** Two cycles of ~250 requests each: seconds on PostgreSQL, up to a minute on PGlite on a busy machine. */
const CYCLE_TIMEOUT = 180_000;

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({ plugins: [scimPlugin() as never], roster: { migrate: true } });
});
afterAll(async () => {
  await t?.close();
});

interface View {
  total: number;
  active: number;
  groups: Record<string, { memberCount: number; licenseType: string | null }>;
  licenses: Record<string, { purchased: number; used: number; pending: number }>;
}

/** What the team's admin sees in GraphQL. */
async function view(teamId: string, token: string): Promise<View> {
  const r = await t.gql<{
    team: {
      members: { totalCount: number; edges: Array<{ node: { status: string } }> };
      groups: Array<{ displayName: string; memberCount: number; licenseType: { key: string } | null }>;
      licenses: Array<{ key: string; purchased: number; used: number; pending: number }>;
    };
  }>(
    `query($id: ID!) { team(id: $id) {
      members(first: 500) { totalCount edges { node { status } } }
      groups { displayName memberCount licenseType { key } }
      licenses { key purchased used pending } } }`,
    { id: teamId },
    { token },
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  const team = r.data!.team;
  return {
    total: team.members.totalCount,
    active: team.members.edges.filter((e) => e.node.status === 'active').length,
    groups: Object.fromEntries(
      team.groups.map((g) => [g.displayName, { memberCount: g.memberCount, licenseType: g.licenseType?.key ?? null }]),
    ),
    licenses: Object.fromEntries(team.licenses.map((l) => [l.key, { purchased: l.purchased, used: l.used, pending: l.pending }])),
  };
}

const auditCount = async (teamId: string) =>
  Number((await t.core.read<{ n: number }>('select count(*)::int as n from audit_event where team_id = ?', [teamId]))[0]!.n);

const writes = (sent: Record<string, number>) => (sent.POST ?? 0) + (sent.PUT ?? 0) + (sent.PATCH ?? 0) + (sent.DELETE ?? 0);

function output() {
  const lines: string[] = [];
  return { lines, out: { isTTY: false, write: (s: string) => lines.push(s) }, text: () => lines.join('') };
}

describe.each([
  { vendor: 'okta' as const, licenseGroups: { salesperson: 'Sales Reps', 'prep-user': 'Sales Prep', manager: 'Sales Managers' } },
  { vendor: 'entra' as const, licenseGroups: { salesperson: 'Salesperson', 'prep-user': 'Prep User', manager: 'Manager' } },
])('#17 provisioning simulator as $vendor', ({ vendor, licenseGroups }) => {
  it(
    `#17: --users 60 --groups 4 leaves the team as the directory says (R5, R7, R13, R14, R16); a second run changes nothing`,
    async () => {
      const team = await t.createTeam(undefined, SEATS);
      const { secret } = await t.core.tokens.create(team.teamId, vendor, 'scim', SYSTEM_ACTOR);
      const domain = `${team.slug}.example`;
      const directory = people(60, domain);
      const want = expectedOutcome(directory, 4, SEATS);
      // The generator makes a directory that exercises every step and over-subscribes the seats.
      expect(want.updated).toBeGreaterThan(0);
      expect(want.active).toBeLessThan(60);
      expect(want.licenses.salesperson.pending).toBeGreaterThan(0);
      const out = output();
      const options = { vendor, base: `${t.url}/scim/v2/${team.slug}`, token: secret, users: 60, groups: 4, domain };

      const first = await runCycle({ ...options, progress: progress(out.out) });
      expect(first.warnings).toEqual([]);
      expect(first.summary.members).toEqual({
        created: 60,
        updated: want.updated,
        deactivated: 60 - want.active,
        reactivated: 0,
        removed: 0,
        total: 61, // and the owner
        active: want.active + 1,
      });
      expect(first.summary.groups).toEqual({ created: 4, changed: 3, total: 7 }); // the three license app groups change
      for (const [key, l] of Object.entries(want.licenses))
        expect(first.summary.seats[key], key).toEqual({ held: l.used, granted: l.used, released: 0, waiting: l.pending });
      expect(first.summary.unchanged).toBe(false);
      // Plain lines without a terminal, one per phase.
      expect(out.text()).toContain('users            60/60  60 created');
      expect(out.text()).not.toContain('\r');

      const v = await view(team.teamId, team.ownerToken);
      expect(v.total).toBe(61);
      expect(v.active).toBe(want.active + 1);
      for (const [name, n] of Object.entries(want.groupMembers))
        expect(v.groups[name], name).toEqual({ memberCount: n, licenseType: null });
      for (const [key, name] of Object.entries(licenseGroups)) {
        expect(v.groups[name], name).toEqual({ memberCount: directory.filter((p) => p.license === key).length, licenseType: key });
        expect(v.licenses[key]).toEqual({
          purchased: SEATS[key as keyof typeof SEATS],
          ...want.licenses[key as keyof typeof want.licenses],
        });
      }

      const audits = await auditCount(team.teamId);
      const second = await runCycle({ ...options, progress: progress(output().out) });
      expect(second.summary.unchanged).toBe(true);
      expect(second.summary.members).toMatchObject({ created: 0, updated: 0, deactivated: 0, reactivated: 0, total: 61 });
      expect(writes(second.sent)).toBe(0);
      expect(await auditCount(team.teamId)).toBe(audits);
      expect(await view(team.teamId, team.ownerToken)).toEqual(v);
    },
    CYCLE_TIMEOUT,
  );
});

describe('#17 roster demo scim (the command)', () => {
  it(
    '#17: in demo mode without --token it mints a SCIM token as the demo admin, fills the demo team and revokes the token',
    async () => {
      const { teamId } = await seedDemo(t.core);
      const out = output();
      const code = await demoCommand(['scim', '--as', 'okta', '--users', '20', '--groups', '2', '--url', t.url], { out: out.out, env: {} });
      expect(code, out.text()).toBe(0);
      expect(out.text()).toContain('users            20/20  20 created');
      expect(out.text()).toMatch(/members {2}20 created, \d+ updated, \d+ deactivated — 21 in the team/);
      const live = await t.core.read<{ n: number }>(
        "select count(*)::int as n from api_token where team_id = ? and scope = 'scim' and revoked_at is null",
        [teamId],
      );
      expect(live[0]!.n).toBe(0);
      // Again: nothing to do, and it says so.
      const again = output();
      expect(
        await demoCommand(['scim', '--as', 'okta', '--users', '20', '--groups', '2', '--url', t.url], { out: again.out, env: {} }),
      ).toBe(0);
      expect(again.text()).toContain('Nothing changed');
      expect(again.text()).toContain(`${t.url}/scim/v2/${DEMO.slug}`);
    },
    CYCLE_TIMEOUT,
  );

  it('#17: outside demo mode it refuses without --url and --token, and explains why', async () => {
    for (const env of [{ NODE_ENV: 'production' }, { DATABASE_URL: 'postgres://db.example/roster' }]) {
      const out = output();
      expect(await demoCommand(['scim', '--as', 'entra'], { out: out.out, env })).toBe(1);
      expect(out.text()).toMatch(
        /Refusing to run outside demo mode \((NODE_ENV=production|DATABASE_URL is set)\) without --url and --token/,
      );
    }
  });

  it(
    '#17: outside demo mode, with a SCIM base URL and a token, it runs against that team',
    async () => {
      const team = await t.createTeam(undefined, SEATS);
      const { secret } = await t.core.tokens.create(team.teamId, 'entra', 'scim', SYSTEM_ACTOR);
      const out = output();
      const args = [
        'scim',
        '--as',
        'entra',
        '--users',
        '10',
        '--groups',
        '1',
        '--url',
        `${t.url}/scim/v2/${team.teamId}`,
        '--token',
        secret,
      ];
      expect(await demoCommand(args, { out: out.out, env: { NODE_ENV: 'production' } }), out.text()).toBe(0);
      expect((await view(team.teamId, team.ownerToken)).total).toBe(11);
    },
    CYCLE_TIMEOUT,
  );

  it('#17: a bad vendor, count or token is a usage error with exit code 1, not a stack trace', async () => {
    const bad = output();
    expect(await demoCommand(['scim', '--as', 'onelogin'], { out: bad.out, env: {} })).toBe(1);
    expect(bad.text()).toContain('--as must be okta or entra');
    const n = output();
    expect(await demoCommand(['scim', '--as', 'okta', '--users', 'lots', '--url', t.url], { out: n.out, env: {} })).toBe(1);
    expect(n.text()).toContain('--users must be a whole number');
    const tok = output();
    expect(await demoCommand(['scim', '--as', 'okta', '--url', t.url, '--token', 'nope'], { out: tok.out, env: {} })).toBe(1);
    expect(tok.text()).toMatch(/GET \/Users\?startIndex=1&count=2 answered 401/);
  });
});

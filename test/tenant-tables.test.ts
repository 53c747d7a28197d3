/**
 * #19 scale notes: "Shardable by team" (docs/architecture.md, docs/scaling.md) holds only while
 * every tenant-owned table carries `team_id`. This reads the schema every migration (core and
 * every first-party plugin) leaves, from information_schema, and fails when a table has no
 * `team_id` column and is not one of the global tables listed here with the reason it is global.
 * A new table belongs to a team unless it is added below, with its reason, in the same change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_FACTORIES, pluginsByName } from '@roster/cli';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

/**
 * Tables without a team, and why. On Citus these are reference tables or stay on the
 * coordinator (docs/scaling.md).
 */
const GLOBAL_TABLES: Record<string, string> = {
  // The tenant itself: its id is the distribution key every other table carries as team_id.
  team: 'the tenant root (its id is the team id)',
  // A person exists before and beyond any team (R2: at most one team; platform admins have none);
  // their login is unique across all teams.
  user: 'a person, global by R2 (login unique across teams)',
  roster_migration: 'the migration ledger of the whole database',
  // Sign-in state that exists before the team is known (home-realm discovery, OIDC state and
  // PKCE, SAML AuthnRequest ids) or is keyed by what the IdP sends (assertion ids).
  replay_guard: 'assertion ids seen, keyed by namespace and id before a team is resolved',
  flow_state: 'pending sign-ins, written before the team is known',
  // Password guessing is counted per login and per source address, whichever team (if any).
  sign_in_throttle: 'password throttle counters per login / address, across teams',
};

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({
    plugins: pluginsByName(Object.keys(PLUGIN_FACTORIES)),
    roster: { migrate: true },
    // email-link will not start without an SMTP server; none is reached while the tables are read.
    pluginOptions: { 'email-link': { smtpUrl: 'smtp://127.0.0.1:1' } },
  });
});
afterAll(async () => {
  await t?.close();
});

async function tables(): Promise<{ all: string[]; withoutTeam: string[] }> {
  const rows = await t.core.read<{ table_name: string; has_team: boolean }>(
    `select t.table_name,
       exists (select 1 from information_schema.columns c
               where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'team_id') as has_team
     from information_schema.tables t
     where t.table_schema = current_schema() and t.table_type = 'BASE TABLE'
     order by t.table_name`,
  );
  return { all: rows.map((r) => r.table_name), withoutTeam: rows.filter((r) => !r.has_team).map((r) => r.table_name) };
}

/** Tables that have no team_id and no reason to be global. */
const unexplained = (withoutTeam: string[]) => withoutTeam.filter((name) => !(name in GLOBAL_TABLES));

describe('#19 tenant tables', () => {
  it('#19: every table carries team_id, except the global tables listed with their reason', async () => {
    const { all, withoutTeam } = await tables();
    // The schema really is the migrated one (core and plugin tables), not an empty database.
    expect(all).toEqual(
      expect.arrayContaining(['membership', 'group_member', 'license_assignment', 'saml_connection', 'scim_group_member_ref']),
    );
    expect(unexplained(withoutTeam), 'tables without team_id and without a reason in GLOBAL_TABLES').toEqual([]);
    // The list stays honest: every entry is a table that exists and really has no team_id.
    expect(Object.keys(GLOBAL_TABLES).filter((name) => !withoutTeam.includes(name))).toEqual([]);
  });

  it('#19: a new table without team_id is caught', async () => {
    await t.core.read('create table tenant_tables_probe (id uuid primary key, note text)');
    try {
      expect(unexplained((await tables()).withoutTeam)).toEqual(['tenant_tables_probe']);
    } finally {
      await t.core.read('drop table tenant_tables_probe');
    }
  });
});

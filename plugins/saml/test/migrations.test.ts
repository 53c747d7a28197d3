/**
 * saml/0004 moves the logout bookkeeping of live sessions from `saml_session` onto the core's
 * session row: run against a real database in a transaction that is rolled back, from the state
 * saml/0002 left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samlMigrations } from '../src/migrations.js';
import { startSamlRoster, type SamlRoster } from './support/roster.js';

let node: SamlRoster;
beforeAll(async () => {
  node = await startSamlRoster();
});
afterAll(async () => {
  await node?.t.close();
});

class Rollback extends Error {}

describe('saml/0004-session-on-core-session', () => {
  it('keeps the NameID, format and SessionIndex of every session that had them, then drops the old table', async () => {
    const team = await node.t.createTeam();
    const member = await node.t.addMember(team.teamId, 'mig.slo@example.com');
    const step = (name: string) => samlMigrations.find((m) => m.name === name)!.sql;
    let seen: Array<{ sso: unknown }> = [];
    let tableLeft: unknown;
    await node.t.core
      .em()
      .transactional(async (em) => {
        // The state before 0004: a saml_session row for one session (0002's table, recreated here).
        await em.execute(step('saml/0002-session').replace('references saml_connection (id) on delete cascade', ''));
        const [s] = await em.execute<Array<{ token_hash: string }>>('select token_hash from session where membership_id = ?', [
          member.membershipId,
        ]);
        await em.execute(
          "insert into saml_session (token_hash, connection_id, team_id, name_id, name_id_format, session_index, expires_at) values (?, gen_random_uuid(), ?, 'mig.slo@example.com', null, '_idx_mig', now() + interval '1 hour')",
          [s!.token_hash, team.teamId],
        );
        await em.execute(step('saml/0004-session-on-core-session'));
        seen = await em.execute('select sso from session where membership_id = ?', [member.membershipId]);
        [tableLeft] = await em.execute<Array<{ t: unknown }>>("select to_regclass('saml_session') as t");
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(seen).toEqual([{ sso: { subject: 'mig.slo@example.com', sessionIndex: '_idx_mig' } }]);
    expect(tableLeft).toEqual({ t: null });
  });
});

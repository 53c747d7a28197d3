/**
 * #13.6: what a node caches is dropped on every node whoever writes it. API/SCIM tokens
 * (core/0006) and every SSO connection table (saml/0003, oidc/0003, wsfed/0003) announce their
 * changes from a trigger at commit, so raw SQL is covered like Roster's own code.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ROW_CHANGED_CHANNEL, SYSTEM_ACTOR, TOKEN_REVOKED_CHANNEL } from '@roster/core';
import { eventually, onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';

const onServer = onPostgresServer();
let a: TestRoster;
let b: TestRoster | null = null;
/** An operator's own connection: no Roster code runs on it. */
let sql: pg.Client | null = null;
let team: { teamId: string };

beforeAll(async () => {
  a = await startTestRoster();
  team = await a.createTeam();
  if (onServer) {
    b = await startTestRoster({ databaseUrl: a.roster.databaseUrl });
    sql = new pg.Client({ connectionString: a.roster.databaseUrl });
    await sql.connect();
  }
});
afterAll(async () => {
  await sql?.end();
  await b?.close();
  await a?.close();
});

const teamAs = async (t: TestRoster, token: string) =>
  (await t.gql<{ team: { id: string } }>('query($id: ID!) { team(id: $id) { id } }', { id: team.teamId }, { token })).data?.team?.id ??
  null;

/** Notifications heard on `channel` by a fresh listener while `write` runs. */
async function heard(channel: string, write: () => Promise<unknown>): Promise<string[]> {
  const listener = new pg.Client({ connectionString: a.roster.databaseUrl });
  await listener.connect();
  const payloads: string[] = [];
  listener.on('notification', (n) => {
    if (n.channel === channel && n.payload) payloads.push(n.payload);
  });
  try {
    await listener.query(`listen ${channel}`);
    await write();
    // Notifications arrive in commit order: once a sentinel sent after the writes is heard, theirs were.
    await sql!.query('select pg_notify($1, $2)', [channel, 'sentinel']);
    await eventually(() => payloads.includes('sentinel'), 3000);
    return payloads.filter((p) => p !== 'sentinel');
  } finally {
    await listener.end();
  }
}

describe('change triggers (#13.6)', () => {
  it('#13.6: the tables every node caches carry their change trigger (on both databases)', async () => {
    const rows = await a.core.em().execute<Array<{ tgname: string }>>('select tgname from pg_trigger where not tgisinternal');
    expect(rows.map((r) => r.tgname)).toEqual(
      expect.arrayContaining([
        'api_token_notify_changed',
        'api_token_notify_deleted',
        'saml_connection_notify_changed',
        'oidc_connection_notify_changed',
        'wsfed_connection_notify_changed',
      ]),
    );
  });

  it.skipIf(!onServer)('#13.6: an API token revoked in raw SQL is refused at once by a node that had it cached', async () => {
    const { token, secret } = await a.core.tokens.create(team.teamId, 'raw-sql', 'api', SYSTEM_ACTOR);
    await eventually(() => b!.core.tokens.cache.enabled);
    expect(await teamAs(b!, secret)).toBe(team.teamId);
    expect(b!.core.tokens.cache.size).toBeGreaterThan(0);
    await sql!.query('update api_token set revoked_at = now() where id = $1', [token.id]);
    // Well inside the 15 s an entry may live: only the trigger's notification can have dropped it.
    await eventually(async () => (await teamAs(b!, secret)) === null, 1000);
  });

  it.skipIf(!onServer)('#13.6: an API token deleted in raw SQL is refused at once too', async () => {
    const { token, secret } = await a.core.tokens.create(team.teamId, 'raw-delete', 'api', SYSTEM_ACTOR);
    await eventually(() => b!.core.tokens.cache.enabled);
    expect(await teamAs(b!, secret)).toBe(team.teamId);
    expect(b!.core.tokens.cache.size).toBeGreaterThan(0);
    await sql!.query('delete from api_token where id = $1', [token.id]);
    await eventually(async () => (await teamAs(b!, secret)) === null, 1000);
  });

  it.skipIf(!onServer)('#13.6: a revocation through Roster is announced once, by the trigger; last use is not announced', async () => {
    const { token } = await a.core.tokens.create(team.teamId, 'announce', 'api', SYSTEM_ACTOR);
    expect(
      await heard(TOKEN_REVOKED_CHANNEL, () => sql!.query('update api_token set last_used_at = now() where id = $1', [token.id])),
    ).toEqual([]);
    expect(await heard(TOKEN_REVOKED_CHANNEL, () => a.core.tokens.revoke(team.teamId, token.id, SYSTEM_ACTOR))).toEqual([token.id]);
  });

  it.skipIf(!onServer)('#13.6: OIDC and WS-Fed connections written in raw SQL are announced like SAML ones', async () => {
    const oidc = randomUUID();
    const wsfed = randomUUID();
    const payloads = await heard(ROW_CHANGED_CHANNEL, async () => {
      await sql!.query(`insert into oidc_connection (id, team_id, issuer, client_id) values ($1, $2, 'https://idp.example', 'roster')`, [
        oidc,
        team.teamId,
      ]);
      await sql!.query('update oidc_connection set enabled = false where id = $1', [oidc]);
      await sql!.query(
        `insert into wsfed_connection (id, team_id, name, idp_issuer, idp_sign_in_url, realm, reply_url) values ($1, $2, 'adfs', 'https://adfs.example', 'https://adfs.example/ls', $3, 'https://roster.example/acs')`,
        [wsfed, team.teamId, `urn:roster:${wsfed}`],
      );
      await sql!.query('delete from wsfed_connection where id = $1', [wsfed]);
    });
    expect(payloads).toEqual([
      `oidc_connection:${oidc}`,
      `oidc_connection:${oidc}`,
      `wsfed_connection:${wsfed}`,
      `wsfed_connection:${wsfed}`,
    ]);
  });
});

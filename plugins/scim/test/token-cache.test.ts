/**
 * R17 with verified tokens cached per node: a revocation on any node ends the token on every
 * node at once (LISTEN/NOTIFY), and a node whose listener is down asks the database again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { eventually, startTestRoster, type TestRoster } from '@roster/server/testing';
import { SYSTEM_ACTOR, TOKEN_REVOKED_CHANNEL } from '@roster/plugin-sdk';
import { scimPlugin } from '../src/index.js';
import { client, emptyTeam, startScimRoster, type ScimTeam } from './support.js';

const onServer = Boolean(process.env.ROSTER_TEST_PG_URL);

describe('SCIM token cache (R17)', () => {
  let a: TestRoster;
  let b: TestRoster | null = null;

  beforeAll(async () => {
    a = await startScimRoster();
    if (onServer)
      b = await startTestRoster({ plugins: [scimPlugin() as never], roster: { migrate: true }, databaseUrl: a.roster.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const onB = (team: ScimTeam) => client({ base: team.base.replace(a.url, b!.url), token: team.token });

  it('a token revoked on this node is refused on its next request, though it was cached', async () => {
    const team = await emptyTeam(a);
    const c = client(team);
    await eventually(() => a.core.tokens.cache.enabled);
    expect((await c.get('/Users')).status).toBe(200);
    expect(a.core.tokens.cache.size).toBeGreaterThan(0);
    await a.core.tokens.revoke(team.teamId, team.tokenId, SYSTEM_ACTOR);
    expect((await c.get('/Users')).status).toBe(401);
  });

  it.skipIf(!onServer)('a token revoked on node 1 is refused by node 2 at once, though node 2 had it cached', async () => {
    const team = await emptyTeam(a);
    const c = onB(team);
    await eventually(() => b!.core.tokens.cache.enabled);
    expect((await c.get('/Users')).status).toBe(200);
    expect(b!.core.tokens.cache.size).toBeGreaterThan(0);
    await a.core.tokens.revoke(team.teamId, team.tokenId, SYSTEM_ACTOR);
    // Well inside the 15 s an entry may live: only the notification can have ended it.
    await eventually(async () => (await c.get('/Users')).status === 401, 3000);
    expect((await c.get('/Users')).status).toBe(401);
  });

  it.skipIf(!onServer)('a node whose listener is lost stops caching until it listens again, and starts again empty', async () => {
    const team = await emptyTeam(a);
    const c = onB(team);
    await eventually(() => b!.core.tokens.cache.enabled);
    expect((await c.get('/Users')).status).toBe(200);

    const admin = new pg.Client({ connectionString: b!.roster.databaseUrl });
    await admin.connect();
    try {
      // Cut node 2's LISTEN connection from the server side, as a failover or a network cut would.
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike $1 and pid <> pg_backend_pid()`,
        [`listen ${TOKEN_REVOKED_CHANNEL}%`],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      await eventually(() => !b!.core.tokens.cache.enabled);
      // A revocation node 2 cannot hear (its listener is down when the trigger announces it): refused anyway.
      await admin.query('update api_token set revoked_at = now() where id = $1', [team.tokenId]);
      expect((await c.get('/Users')).status).toBe(401);
      // The listener comes back by itself, with an empty cache: still refused.
      await eventually(() => b!.core.tokens.cache.enabled);
      expect((await c.get('/Users')).status).toBe(401);
    } finally {
      await admin.end();
    }
  });
});

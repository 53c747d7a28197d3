/**
 * SAML connections kept per node (core.rows): a change made anywhere — through another node's
 * GraphQL or straight in SQL — reaches every node at once through the table's trigger
 * (NOTIFY at commit), so no node keeps signing people in through a disabled connection or with a
 * certificate that was removed. Without a listener (embedded database) nothing is cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@roster/server/testing';
import { CLONE } from './support/idp.js';
import {
  attempts,
  createConnection,
  idpInitiated,
  startSamlRoster,
  updateConnection,
  type SamlRoster,
  type Team,
} from './support/roster.js';

const onServer = Boolean(process.env.ROSTER_TEST_PG_URL);
let node: SamlRoster;
let team: Team;

beforeAll(async () => {
  node = await startSamlRoster();
  team = await node.t.createTeam();
});
afterAll(async () => {
  await node?.t.close();
});

describe('SAML connections cached per node', () => {
  it.skipIf(onServer)('are not cached on the embedded database, which no listener can hear', async () => {
    const conn = await createConnection(node.t, team, { allowIdpInitiated: true });
    await node.t.addMember(team.teamId, 'emb.cache@example.com');
    expect((await idpInitiated(conn, { nameId: 'emb.cache@example.com' })).acs.status).toBe(302);
    expect(node.t.core.rows.enabled).toBe(false);
    expect(node.t.core.rows.size).toBe(0);
  });

  it.skipIf(!onServer)('a connection disabled on node 2 refuses sign-in on node 1 at once, though node 1 had it cached', async () => {
    const node2 = await startSamlRoster({}, { publicUrl: node.publicUrl, databaseUrl: node.t.roster.databaseUrl });
    try {
      const conn = await createConnection(node.t, team, { allowIdpInitiated: true });
      await node.t.addMember(team.teamId, 'ivy.cache@example.com');
      await eventually(() => node.t.core.rows.enabled);
      expect((await idpInitiated(conn, { nameId: 'ivy.cache@example.com' })).acs.status).toBe(302);
      expect(node.t.core.rows.get('saml_connection', conn.id)).toBeDefined();

      await updateConnection(node2.t, team, conn.id, { enabled: false });
      // Well inside the 15 s an entry may live: only the notification can have dropped it.
      await eventually(async () => (await idpInitiated(conn, { nameId: 'ivy.cache@example.com' })).acs.status === 403, 3000);
      expect((await attempts(node.t, team))[conn.id]?.[0]).toMatchObject({ step: 'connection', reason: 'the connection is disabled' });
    } finally {
      await node2.t.close();
    }
  });

  it.skipIf(!onServer)('a certificate removed in SQL, by no Roster code at all, stops being trusted at once', async () => {
    const conn = await createConnection(node.t, team, { allowIdpInitiated: true });
    await node.t.addMember(team.teamId, 'jon.cache@example.com');
    await eventually(() => node.t.core.rows.enabled);
    expect((await idpInitiated(conn, { nameId: 'jon.cache@example.com' })).acs.status).toBe(302);
    expect(node.t.core.rows.get('saml_connection', conn.id)).toBeDefined();

    // As an operator would, outside Roster: only the clone certificate is trusted now.
    await node.t.core
      .em()
      .execute('update saml_connection set idp_certificates = ?::jsonb where id = ?', [JSON.stringify([CLONE.cert]), conn.id]);
    await eventually(() => node.t.core.rows.get('saml_connection', conn.id) === undefined, 3000);
    const refused = await idpInitiated(conn, { nameId: 'jon.cache@example.com' });
    expect(refused.acs.status).toBe(403);
    expect((await attempts(node.t, team))[conn.id]?.[0]).toMatchObject({ outcome: 'failure', step: 'signature' });
  });
});

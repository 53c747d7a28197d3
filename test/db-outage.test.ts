import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { eventually, onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';
import { scimPlugin } from '@roster/plugin-scim';

/**
 * Issue #13.5 and #13.7: a database that hangs (its processes stopped, connections open) must
 * make requests fail fast with the protocol's 503, and `/readyz` must say so in words, without
 * addresses. The cluster is this file's own: stopping the suite's shared server would break
 * the test files running beside this one. PGlite runs in-process and cannot hang this way.
 */
interface Cluster {
  url: string;
  stop(): void;
}
const clusterScript = new URL('../scripts/pg-cluster.mjs', import.meta.url).href;
const { pgAvailable, startCluster } = (await import(clusterScript)) as { pgAvailable(): boolean; startCluster(): Promise<Cluster> };

/** The processes of the cluster: the postmaster and its children (backends, checkpointer, walwriter…). */
function clusterPids(postmaster: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return [postmaster, ...children];
}

const signal = (pids: number[], sig: NodeJS.Signals) => {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
};

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe.skipIf(!onPostgresServer() || !pgAvailable())('#13.5 a hung database fails requests fast', () => {
  let cluster: Cluster | undefined;
  let t: TestRoster | undefined;
  let postmaster = 0;
  let stopped: number[] = [];
  let scim: (path: string) => Promise<Response>;
  let ownerToken = '';

  beforeAll(async () => {
    cluster = await startCluster();
    t = await startTestRoster({
      databaseUrl: cluster.url,
      plugins: [scimPlugin() as never],
      roster: { migrate: true },
      // Short timeouts keep the test short; the defaults (5 s, 3 s) behave the same, slower.
      config: { dbStatementTimeoutMs: 1000, dbConnectTimeoutMs: 1000, tokenCacheSeconds: 0 },
    });
    const slug = `hang-${randomUUID().slice(0, 8)}`;
    const team = await t.core.teams.create({ slug, name: 'Hang' }, SYSTEM_ACTOR);
    const { secret } = await t.core.tokens.create(team.id, 'okta', 'scim', SYSTEM_ACTOR);
    ownerToken = (await t.addMember(team.id, `owner@${slug}.example.com`, 'owner')).token;
    scim = (path) => fetch(`${t!.url}/scim/v2/${slug}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    // The backend's parent is the postmaster; read it while the backend is alive (it exits with the client).
    const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
    await client.end();
    postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  });

  afterAll(async () => {
    // Whatever happened above: wake the cluster, then stop everything.
    signal(stopped, 'SIGCONT');
    await t?.close().catch(() => undefined);
    cluster?.stop();
  });

  it('#13.5: SCIM, GraphQL, sign-in and /readyz answer 503 within seconds while the database hangs; /healthz stays 200; all recover', async () => {
    expect((await scim('/Users')).status).toBe(200);
    expect((await fetch(`${t!.url}/readyz`)).status).toBe(200);

    stopped = clusterPids(postmaster);
    expect(stopped.length).toBeGreaterThan(1);
    signal(stopped, 'SIGSTOP');

    const users = await timed(() => scim('/Users'));
    expect(users.value.status).toBe(503);
    expect(users.value.headers.get('content-type')).toMatch(/application\/scim\+json/);
    const body = (await users.value.json()) as { schemas: string[]; status: string };
    expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(body.status).toBe('503');
    expect(users.ms).toBeLessThan(4000);

    const ready = await timed(() => fetch(`${t!.url}/readyz`));
    expect(ready.value.status).toBe(503);
    const readyBody = await ready.value.text();
    expect(JSON.parse(readyBody)).toEqual({ ready: false, reason: expect.stringMatching(/^database (not answering|unreachable)$/) });
    expect(readyBody).not.toMatch(/127\.0\.0\.1|ECONN|\d{4,5}/);
    expect(ready.ms).toBeLessThan(3000);

    const gql = await timed(() => t!.gql('{ me { login } }', {}, { token: ownerToken }));
    expect(gql.value.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(gql.ms).toBeLessThan(4000);

    const login = await timed(() =>
      fetch(`${t!.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'x' }),
      }),
    );
    expect(login.value.status).toBe(503);
    expect(((await login.value.json()) as { error: string }).error).toBe('SERVICE_UNAVAILABLE');
    expect(login.ms).toBeLessThan(4000);

    const health = await timed(() => fetch(`${t!.url}/healthz`));
    expect(health.value.status).toBe(200);
    expect(health.ms).toBeLessThan(500);

    signal(stopped, 'SIGCONT');
    stopped = [];
    // Connections that timed out were dropped, not handed out again: the node recovers by itself.
    await eventually(async () => (await scim('/Users')).status === 200, 15_000);
    await eventually(async () => (await fetch(`${t!.url}/readyz`)).status === 200, 15_000);
    const me = await t!.gql<{ me: { login: string } }>('{ me { login } }', {}, { token: ownerToken });
    expect(me.errors).toBeUndefined();
  }, 60_000);

  it('#13.7: /readyz names no address when the database is gone', async () => {
    cluster!.stop();
    cluster = undefined;
    const ready = await timed(() => fetch(`${t!.url}/readyz`));
    expect(ready.value.status).toBe(503);
    const text = await ready.value.text();
    expect(JSON.parse(text)).toEqual({ ready: false, reason: expect.stringMatching(/^database (not answering|unreachable)$/) });
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}/);
    expect(ready.ms).toBeLessThan(3000);
  });
});

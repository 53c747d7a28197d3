import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, WEBHOOK_RETRY, type Core } from '@roster/core';
import { eventually, onPostgresServer, startTestRoster, type TestRoster } from '@roster/server/testing';
import { verifyWebhook } from '@roster/webhook-verify';
import { TestClock, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Issue #18 (webhooks): delivery at least once, signed per Standard Webhooks, retried with
 * backoff for three days, from every node without double work; URLs under the outbound policy.
 * The clock of delivery is the test's (TestClock); the receiver is a real HTTP server.
 */

const ENDPOINT_FIELDS = 'id teamId url eventTypes enabled disabledReason failingSince previousSecretExpiresAt';
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus) { webhookDeliveries(endpointId: $id, status: $status, first: 500) {
  id eventId eventType status attempts nextAttemptAt lastStatusCode lastDurationMs lastError deliveredAt
  log { attempt at statusCode durationMs error } } }`;

interface Delivery {
  id: string;
  eventId: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  log: Array<{ attempt: number; at: string; statusCode: number | null; durationMs: number; error: string | null }>;
}

async function ok<T>(t: TestRoster, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await t.gql<T>(query, variables, { token });
  if (r.errors) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

async function createEndpoint(t: TestRoster, token: string, input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const d = await ok<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(t, CREATE, { input }, token);
  return { id: d.createWebhookEndpoint.endpoint.id, secret: d.createWebhookEndpoint.secret };
}

async function deliveries(t: TestRoster, token: string, endpointId: string): Promise<Delivery[]> {
  return (await ok<{ webhookDeliveries: Delivery[] }>(t, DELIVERIES, { id: endpointId }, token)).webhookDeliveries;
}

/** Publishes test events the way services do: in a transaction of their own change. */
async function publish(core: Core, teamId: string, n: number, type = 'test.ping'): Promise<void> {
  for (let i = 0; i < n; i++) {
    await core.em().transactional((em) => core.events.publish(em, { teamId, type, data: { n: i }, actor: SYSTEM_ACTOR }));
  }
}

/**
 * Runs the worker until fan-out has passed every event: on a shared PostgreSQL server another
 * test file's open transaction may hold the commit horizon back for a moment.
 */
async function settle(t: TestRoster): Promise<void> {
  await eventually(async () => {
    await t.roster.webhooks.run();
    const [r] = await t.core.read<{ n: number }>(
      'select count(*)::int as n from event where (tx, position) > (select after_tx, after_position from webhook_fanout)',
    );
    return r!.n === 0;
  });
}

const clusterScript = new URL('../scripts/pg-cluster.mjs', import.meta.url).href;
const { pgAvailable, startCluster } = (await import(clusterScript)) as {
  pgAvailable(): boolean;
  startCluster(): Promise<{ url: string; restart(): Promise<void>; stop(): void }>;
};

describe('#18 webhooks: one node, a receiver that fails in every way, then comes back', () => {
  const clock = new TestClock();
  const receiver = new WebhookReceiver();
  let t: TestRoster;
  let team: Awaited<ReturnType<TestRoster['createTeam']>>;

  beforeAll(async () => {
    await receiver.start();
    // The worker runs when the test says (run()), on the test's clock, with jitter pinned to its middle.
    t = await startTestRoster({ roster: { webhooks: { now: clock.now, random: () => 0.5, timeoutMs: 1500, intervalMs: 3_600_000 } } });
    team = await t.createTeam();
  });
  afterAll(async () => {
    await t?.close();
    await receiver.close();
  });

  it('#18.5: down, then 500, then time-outs, then back: every event arrives, signed, on the backoff schedule, and the log shows it', async () => {
    const { id: endpointId, secret } = await createEndpoint(t, team.ownerToken, {
      teamId: team.teamId,
      url: receiver.url,
      eventTypes: ['test.ping'],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await publish(t.core, team.teamId, 5);
    // An event of a type the endpoint did not choose is not sent.
    await publish(t.core, team.teamId, 1, 'test.other');

    await receiver.down();
    const t0 = clock.now();
    await settle(t);
    let list = await deliveries(t, team.ownerToken, endpointId);
    expect(list).toHaveLength(5);
    for (const d of list) {
      expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(d.lastError).toMatch(/^network:/);
      expect(new Date(d.nextAttemptAt!).getTime()).toBe(t0 + WEBHOOK_RETRY.firstDelayMs);
    }
    // Not due yet: nothing is sent before the schedule says so.
    clock.advance(WEBHOOK_RETRY.firstDelayMs - 1000);
    await t.roster.webhooks.run();
    expect((await deliveries(t, team.ownerToken, endpointId)).every((d) => d.attempts === 1)).toBe(true);

    await receiver.up('error');
    clock.advance(1000);
    await t.roster.webhooks.run();
    list = await deliveries(t, team.ownerToken, endpointId);
    const t1 = clock.now();
    for (const d of list) {
      expect(d).toMatchObject({ status: 'pending', attempts: 2, lastStatusCode: 500 });
      expect(new Date(d.nextAttemptAt!).getTime()).toBe(t1 + 2 * WEBHOOK_RETRY.firstDelayMs);
    }
    expect(receiver.requests).toHaveLength(5);

    // Time-outs, while a GraphQL request goes through at once: delivery never runs in a request.
    receiver.mode = 'hang';
    clock.advance(2 * WEBHOOK_RETRY.firstDelayMs);
    const running = t.roster.webhooks.run();
    await eventually(() => receiver.heldCount === 5);
    const started = performance.now();
    const me = await ok<{ me: { login: string } }>(t, '{ me { login } }', {}, team.ownerToken);
    expect(me.me.login).toMatch(/^owner@/);
    expect(performance.now() - started).toBeLessThan(1000);
    await running;
    receiver.release('drop');
    list = await deliveries(t, team.ownerToken, endpointId);
    const t2 = clock.now();
    for (const d of list) {
      expect(d).toMatchObject({ status: 'pending', attempts: 3, lastStatusCode: null });
      expect(d.lastError).toMatch(/^timeout:/);
      expect(new Date(d.nextAttemptAt!).getTime()).toBe(t2 + 4 * WEBHOOK_RETRY.firstDelayMs);
    }

    await receiver.up('ok');
    clock.advance(4 * WEBHOOK_RETRY.firstDelayMs);
    await t.roster.webhooks.run();

    list = await deliveries(t, team.ownerToken, endpointId);
    expect(list.map((d) => d.status)).toEqual(Array(5).fill('delivered'));
    for (const d of list) {
      expect(d.log.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      expect(d.log.map((a) => a.statusCode)).toEqual([null, 500, null, 204]);
      expect(d.log[2]!.durationMs).toBeGreaterThanOrEqual(1400);
      expect(d.lastStatusCode).toBe(204);
    }
    // The app's dedupe by id saw each event; every request it got verifies with the published helper.
    const events = (await t.core.events.list({ teamId: team.teamId, types: ['test.ping'] })).events;
    expect([...receiver.processed].sort()).toEqual(events.map((e) => e.id).sort());
    expect(receiver.verified(secret, clock.now)).toHaveLength(receiver.requests.length);
    const last = receiver.requests.at(-1)!;
    const body = verifyWebhook<{ id: string; type: string; teamId: string; sequence: number; data: unknown }>(
      last.body,
      { 'webhook-id': last.id, 'webhook-timestamp': String(last.timestamp), 'webhook-signature': last.signature },
      secret,
      { now: clock.now },
    );
    expect(body.payload).toMatchObject({ id: last.id, type: 'test.ping', teamId: team.teamId });
    expect(body.timestamp).toBe(Math.floor(clock.now() / 1000));
    // Nothing more to do: a new run sends nothing.
    const before = receiver.requests.length;
    await t.roster.webhooks.run();
    expect(receiver.requests).toHaveLength(before);
  });

  it('#18.1: a rotated secret and the previous one both sign during the overlap; afterwards only the new one', async () => {
    await receiver.up('ok');
    const created = await createEndpoint(t, team.ownerToken, { teamId: team.teamId, url: receiver.url, eventTypes: ['test.rotate'] });
    const rotated = await ok<{ rotateWebhookSecret: { secret: string; endpoint: { previousSecretExpiresAt: string } } }>(
      t,
      'mutation($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 3600) { secret endpoint { previousSecretExpiresAt } } }',
      { id: created.id },
      team.ownerToken,
    );
    const fresh = rotated.rotateWebhookSecret.secret;
    expect(fresh).not.toBe(created.secret);
    const seen = receiver.requests.length;
    await publish(t.core, team.teamId, 1, 'test.rotate');
    await settle(t);
    const during = receiver.requests.slice(seen);
    expect(during).toHaveLength(1);
    expect(during[0]!.signature.split(' ')).toHaveLength(2);
    expect(receiver.verified(created.secret, clock.now).includes(during[0]!)).toBe(true);
    expect(receiver.verified(fresh, clock.now).includes(during[0]!)).toBe(true);

    clock.set(new Date(rotated.rotateWebhookSecret.endpoint.previousSecretExpiresAt).getTime() + 1000);
    await publish(t.core, team.teamId, 1, 'test.rotate');
    await settle(t);
    const afterwards = receiver.requests.slice(seen + 1);
    expect(afterwards).toHaveLength(1);
    expect(afterwards[0]!.signature.split(' ')).toHaveLength(1);
    expect(receiver.verified(fresh, clock.now).includes(afterwards[0]!)).toBe(true);
    expect(receiver.verified(created.secret, clock.now).includes(afterwards[0]!)).toBe(false);
    // The secret is never readable again.
    const list = await t.gql(
      'query($teamId: ID) { webhookEndpoints(teamId: $teamId) { secret } }',
      { teamId: team.teamId },
      { token: team.ownerToken },
    );
    expect(list.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const [row] = await t.core.read<{ secret_sealed: string }>('select secret_sealed from webhook_endpoint where id = ?', [created.id]);
    expect(row!.secret_sealed).not.toContain(fresh.slice(6, 20));
  });

  it('#18.2: retries double up to 8 h for three days, then the delivery is given up and the endpoint disabled, with an event and a reason', async () => {
    await receiver.up('error');
    const { id: endpointId } = await createEndpoint(t, team.ownerToken, {
      teamId: team.teamId,
      url: receiver.url,
      eventTypes: ['test.fail'],
    });
    await publish(t.core, team.teamId, 1, 'test.fail');
    const start = clock.now();
    const times: number[] = [];
    await settle(t);
    for (let i = 0; i < 40; i++) {
      const [d] = await deliveries(t, team.ownerToken, endpointId);
      times.push(clock.now());
      if (d!.status !== 'pending') break;
      clock.set(new Date(d!.nextAttemptAt!).getTime());
      await t.roster.webhooks.run();
    }
    const [d] = await deliveries(t, team.ownerToken, endpointId);
    expect(d!.status).toBe('failed');
    expect(d!.attempts).toBe(times.length);
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    // 30 s, 1 min, 2 min… doubling to the 8 h cap, the last one cut to land on the three-day mark.
    expect(gaps.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => WEBHOOK_RETRY.firstDelayMs * 2 ** i));
    expect(Math.max(...gaps)).toBe(WEBHOOK_RETRY.maxDelayMs);
    expect(times.at(-1)! - start).toBe(WEBHOOK_RETRY.giveUpAfterMs);

    const endpoints = await ok<{ webhookEndpoints: Array<{ id: string; enabled: boolean; disabledReason: string | null }> }>(
      t,
      'query($teamId: ID) { webhookEndpoints(teamId: $teamId) { id enabled disabledReason } }',
      { teamId: team.teamId },
      team.ownerToken,
    );
    const endpoint = endpoints.webhookEndpoints.find((e) => e.id === endpointId)!;
    expect(endpoint.enabled).toBe(false);
    expect(endpoint.disabledReason).toMatch(/three days/);
    const disabled = (await t.core.events.list({ teamId: team.teamId, types: ['webhook.endpoint_disabled'] })).events;
    expect(disabled).toHaveLength(1);
    expect(disabled[0]!.data).toMatchObject({ id: endpointId });

    // Manual redelivery, then re-enabling: delivered.
    await receiver.up('ok');
    const redelivered = await ok<{ redeliverWebhook: { status: string } }>(
      t,
      'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status } }',
      { id: d!.id },
      team.ownerToken,
    );
    expect(redelivered.redeliverWebhook.status).toBe('pending');
    await ok(
      t,
      'mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { id } }',
      { id: endpointId },
      team.ownerToken,
    );
    await t.roster.webhooks.run();
    const [after] = await deliveries(t, team.ownerToken, endpointId);
    expect(after).toMatchObject({ status: 'delivered', lastStatusCode: 204 });
  });

  it('#18.3: team admins manage their team only, platform admins the platform-wide endpoints; a platform endpoint hears every team', async () => {
    const other = await t.createTeam();
    const member = await t.addMember(team.teamId, `m-${randomUUID().slice(0, 6)}@${team.slug}.example.com`, 'member');
    const input = { teamId: team.teamId, url: receiver.url, eventTypes: ['test.scope'] };
    const code = async (token: string, variables: Record<string, unknown>) =>
      (await t.gql(CREATE, variables, { token })).errors?.[0]?.extensions?.code;
    expect(await code(member.token, { input })).toBe('FORBIDDEN');
    expect(await code(other.ownerToken, { input })).toBe('NOT_FOUND');
    expect(await code(team.ownerToken, { input: { url: receiver.url, eventTypes: ['test.scope'] } })).toBe('FORBIDDEN');
    expect(await code(team.ownerToken, { input: { ...input, eventTypes: ['Member Created'] } })).toBe('WEBHOOK_EVENT_TYPES_INVALID');
    expect(await code(team.ownerToken, { input: { ...input, eventTypes: [] } })).toBe('WEBHOOK_EVENT_TYPES_INVALID');

    const mine = await createEndpoint(t, team.ownerToken, input);
    const deleteCode = async (token: string) =>
      (await t.gql('mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: mine.id }, { token })).errors?.[0]?.extensions?.code;
    expect(await deleteCode(other.ownerToken)).toBe('NOT_FOUND');
    const deliveriesCode = (await t.gql(DELIVERIES, { id: mine.id }, { token: other.ownerToken })).errors?.[0]?.extensions?.code;
    expect(deliveriesCode).toBe('NOT_FOUND');

    const admin = await t.platformAdminToken();
    const platform = await createEndpoint(t, admin, { url: receiver.url, eventTypes: ['test.scope'] });
    await publish(t.core, team.teamId, 1, 'test.scope');
    await publish(t.core, other.teamId, 1, 'test.scope');
    await settle(t);
    expect((await deliveries(t, admin, platform.id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect((await deliveries(t, team.ownerToken, mine.id)).map((d) => d.status)).toEqual(['delivered']);
    expect(await deleteCode(team.ownerToken)).toBeUndefined();
    expect((await t.gql(DELIVERIES, { id: mine.id }, { token: team.ownerToken })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('#18.2 webhook URLs and the outbound policy', () => {
  let t: TestRoster;
  beforeAll(async () => {
    // The operator allows one private address; loopback and private ranges stay refused otherwise.
    t = await startTestRoster({ config: { outboundAllowPrivate: false, outboundAllowAddresses: ['127.0.0.1'] } });
  });
  afterAll(async () => t?.close());

  it('#18.2: loopback, private and malformed URLs are refused at creation with WEBHOOK_URL_REFUSED (and audited) unless the operator allows the address', async () => {
    const team = await t.createTeam();
    const create = async (url: string) =>
      (await t.gql(CREATE, { input: { teamId: team.teamId, url, eventTypes: ['member.created'] } }, { token: team.ownerToken })).errors?.[0]
        ?.extensions?.code;
    for (const url of [
      'http://127.0.0.2:8080/hooks',
      'http://[::1]/hooks',
      'http://10.1.2.3/hooks',
      'http://192.168.1.10/hooks',
      'http://169.254.169.254/latest/meta-data',
      'ftp://example.com/hooks',
      'https://user:pw@example.com/hooks',
      'not a url',
    ])
      expect([url, await create(url)]).toEqual([url, 'WEBHOOK_URL_REFUSED']);
    expect(await create('http://127.0.0.1:9/hooks')).toBeUndefined();
    const refusals = await t.core.read<{ n: number }>(
      "select count(*)::int as n from audit_event where team_id = ? and action = 'webhook.endpoint.created' and outcome = 'failure' and reason = 'WEBHOOK_URL_REFUSED'",
      [team.teamId],
    );
    expect(refusals[0]!.n).toBe(8);
  });
});

describe.skipIf(!onPostgresServer())('#18.5 two nodes, one database', () => {
  const clock = new TestClock();
  const receiver = new WebhookReceiver();
  let a: TestRoster;
  let b: TestRoster;

  beforeAll(async () => {
    await receiver.start();
    const webhooks = { now: clock.now, random: () => 0.5, timeoutMs: 5000, intervalMs: 50, concurrency: 8 };
    a = await startTestRoster({ roster: { webhooks } });
    b = await startTestRoster({ databaseUrl: a.roster.databaseUrl, roster: { webhooks } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close().catch(() => undefined);
    await receiver.close();
  });

  it('#18.2: both nodes deliver, neither does the other’s work: each of 200 events is sent exactly once', async () => {
    const team = await a.createTeam();
    const { id } = await createEndpoint(a, team.ownerToken, { teamId: team.teamId, url: receiver.url, eventTypes: ['test.both'] });
    await publish(a.core, team.teamId, 200, 'test.both');
    await eventually(async () => (await deliveries(b, team.ownerToken, id)).filter((d) => d.status === 'delivered').length === 200, 20_000);
    const ids = receiver.requests.map((r) => r.id);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
  });

  it('#18.5: a node killed mid-delivery (its database connections and requests cut while the receiver holds them): the other finishes, nothing lost', async () => {
    const team = await a.createTeam();
    const { id, secret } = await createEndpoint(a, team.ownerToken, { teamId: team.teamId, url: receiver.url, eventTypes: ['test.kill'] });
    receiver.mode = 'hang';
    const seen = receiver.requests.length;
    await publish(a.core, team.teamId, 30, 'test.kill');
    // Each node holds at most 8 requests (and refills when 4 are free): more than 8 held means a holds some.
    await eventually(() => receiver.heldCount >= 9, 10_000);
    // Node a dies: its connections to PostgreSQL and to the receiver end at once, nothing recorded.
    await a.roster.orm.close(true);
    a.roster.webhooks.stop();
    a.roster.app.server.closeAllConnections();
    // The roster only: a's TestRoster.close() would drop the database b still uses (afterAll does).
    await a.roster.close().catch(() => undefined);
    receiver.mode = 'ok';
    receiver.release('ok');
    // b answers for its own requests; a's claims come back after their lease and b takes them.
    clock.advance(5000 + 61_000);
    // All 30, each delivered: `every` over a list whose fan-out had not finished (a died mid-way)
    // passed on the deliveries made so far, and the receiver check below then failed.
    await eventually(async () => {
      const all = await deliveries(b, team.ownerToken, id);
      return all.length === 30 && all.every((d) => d.status === 'delivered');
    }, 20_000);
    const list = await deliveries(b, team.ownerToken, id);
    expect(list).toHaveLength(30);
    expect(list.some((d) => d.attempts === 2)).toBe(true);
    const events = (await b.core.events.list({ teamId: team.teamId, types: ['test.kill'] })).events.map((e) => e.id);
    expect(events.every((e) => receiver.processed.has(e))).toBe(true);
    const mine = receiver.requests.slice(seen);
    expect(receiver.verified(secret, clock.now).filter((r) => mine.includes(r))).toHaveLength(mine.length);
  });
});

describe.skipIf(!onPostgresServer() || !pgAvailable())('#18.5 a PostgreSQL restart during delivery', () => {
  const clock = new TestClock();
  const receiver = new WebhookReceiver();
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  let t: TestRoster | undefined;

  beforeAll(async () => {
    await receiver.start();
    cluster = await startCluster();
    t = await startTestRoster({
      databaseUrl: cluster.url,
      roster: { migrate: true, webhooks: { now: clock.now, random: () => 0.5, timeoutMs: 5000, intervalMs: 50 } },
      config: { dbStatementTimeoutMs: 1000, dbConnectTimeoutMs: 1000 },
    });
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await receiver.close();
    cluster?.stop();
  });

  it('#18.5: results that could not be recorded are retried, and delivery resumes on its own after the restart', async () => {
    const team = await t!.createTeam();
    const { id } = await createEndpoint(t!, team.ownerToken, { teamId: team.teamId, url: receiver.url, eventTypes: ['test.restart'] });
    receiver.mode = 'hang';
    await publish(t!.core, team.teamId, 20, 'test.restart');
    await eventually(() => receiver.heldCount >= 9, 10_000);
    await cluster!.restart();
    // The held requests are answered after the restart: their results are recorded on new connections, or, if
    // that fails, the lease brings the deliveries back.
    receiver.mode = 'ok';
    receiver.release('ok');
    clock.advance(5000 + 61_000);
    await eventually(async () => {
      try {
        return (await deliveries(t!, team.ownerToken, id)).filter((d) => d.status === 'delivered').length === 20;
      } catch {
        return false;
      }
    }, 30_000);
    const events = (await t!.core.events.list({ teamId: team.teamId, types: ['test.restart'] })).events.map((e) => e.id);
    expect(events).toHaveLength(20);
    expect(events.every((e) => receiver.processed.has(e))).toBe(true);
  });
});

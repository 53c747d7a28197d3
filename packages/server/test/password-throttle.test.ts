/**
 * #13.3 and #13.10: password guessing is bounded under concurrency on any number of nodes, and
 * knowing someone's email is not enough to lock them out (PasswordThrottle, core/0006).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_THROTTLE } from '@roster/core';
import { definePlugin, type RosterPlugin } from '@roster/plugin-sdk';
import { onPostgresServer, startTestRoster, type TestRoster } from '../src/testing/index.js';
import { send, type Answer } from './support/http.js';

let a: TestRoster;
/** A second node on the same database (PostgreSQL server only; PGlite serves one process). */
let b: TestRoster | null = null;
let teamId: string;

/** An SSO method for the "SSO never goes through the password throttle" check, allowed in new teams. */
const sso = (): RosterPlugin<unknown> =>
  definePlugin({
    name: 'throttle-sso',
    version: '0.0.0',
    signInMethods: [{ id: 'corp-sso', label: 'Corporate SSO', sso: true, allowedByDefault: true }],
  }) as RosterPlugin<unknown>;

beforeAll(async () => {
  a = await startTestRoster({ plugins: [sso()] });
  if (onPostgresServer()) b = await startTestRoster({ plugins: [sso()], databaseUrl: a.roster.databaseUrl });
  ({ teamId } = await a.createTeam());
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const LIMIT = PASSWORD_THROTTLE.perSource;
let seq = 0;
async function person(): Promise<string> {
  const email = `p${++seq}-${Date.now()}@throttle.example.com`;
  await a.addMember(teamId, email);
  return email;
}
/** Alternates between the nodes when there are two: they must share one count. */
const nodeUrl = (i: number) => (b && i % 2 ? b.url : a.url);
const login = (email: string, password: string, o: { from?: string; node?: number; device?: string } = {}): Promise<Answer> =>
  send(nodeUrl(o.node ?? 0), 'POST', '/auth/login', {
    json: { email, password },
    from: o.from,
    headers: o.device ? { cookie: `roster_device=${o.device}` } : {},
  });
const statuses = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
/** How many passwords were really checked and found wrong: each leaves one audit row. */
async function checkedWrong(email: string): Promise<number> {
  const [row] = await a.core
    .em()
    .execute<Array<{ n: number }>>(
      `select count(*)::int as n from audit_event where action = 'signin.refused' and data->>'email' = ? and data->>'code' = 'INVALID_CREDENTIALS'`,
      [email],
    );
  return row!.n;
}

describe('password throttle (#13.3, #13.10)', () => {
  it('#13.3: 200 parallel wrong passwords, spread over two nodes: at most the limit are checked, the rest refused unchecked', async () => {
    const email = await person();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => login(email, `wrong-${i}`, { from: '127.0.0.11', node: i })));
    expect(statuses(answers)).toEqual({ 401: LIMIT, 429: 200 - LIMIT });
    expect(await checkedWrong(email)).toBe(LIMIT);
    expect(answers.find((r) => r.status === 429)?.body.error).toBe('TOO_MANY_ATTEMPTS');
    // Throttled refusals are audited too (R19), with their own step.
    const [row] = await a.core
      .em()
      .execute<Array<{ n: number }>>(`select count(*)::int as n from audit_event where data->>'email' = ? and data->>'step' = 'throttle'`, [
        email,
      ]);
    expect(row!.n).toBe(200 - LIMIT);
  }, 120_000);

  it('#13.3: 39 wrong and the right one in parallel: at most the limit are checked; once it is reached the right one does not sign in from there', async () => {
    const email = await person();
    const passwords = [...Array.from({ length: 39 }, (_, i) => `wrong-${i}`), 'test-password'].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(passwords.map((p, i) => login(email, p, { from: '127.0.0.12', node: i })));
    const s = statuses(answers);
    // The right password got a slot only if it came among the first LIMIT; if it did, it signed
    // in and gave the slot back, so the wrong ones checked never exceed the limit either way.
    expect(s[401] ?? 0).toBeLessThanOrEqual(LIMIT);
    expect(s[200] ?? 0).toBeLessThanOrEqual(1);
    expect(s[429] ?? 0).toBe(passwords.length - (s[401] ?? 0) - (s[200] ?? 0));
    expect(await checkedWrong(email)).toBe(s[401] ?? 0);
    expect(s[401]).toBeGreaterThanOrEqual(LIMIT - 1);

    const other = await person();
    for (let i = 0; i < LIMIT; i++) expect((await login(other, `wrong-${i}`, { from: '127.0.0.12', node: i })).status).toBe(401);
    const right = await login(other, 'test-password', { from: '127.0.0.12', node: 1 });
    expect(right.status).toBe(429);
    expect(right.cookies.roster_session).toBeUndefined();
  }, 120_000);

  it('#13.10: an attacker at another address cannot lock the person out, and refusals do not count', async () => {
    const email = await person();
    const attack = await Promise.all(Array.from({ length: 60 }, (_, i) => login(email, `wrong-${i}`, { from: '127.0.0.13', node: i })));
    expect(statuses(attack)).toEqual({ 401: LIMIT, 429: 60 - LIMIT });
    expect(await checkedWrong(email)).toBe(LIMIT);
    const real = await login(email, 'test-password', { from: '127.0.0.14', node: 1 });
    expect(real.status).toBe(200);
    expect(real.cookies.roster_session).toBeTruthy();
    // The 50 refusals added nothing: once the window has passed, the attacker's address starts over.
    await a.core
      .em()
      .execute(`update sign_in_throttle set window_start = now() - interval '${PASSWORD_THROTTLE.windowSeconds + 1} seconds'`);
    expect((await login(email, 'test-password', { from: '127.0.0.13' })).status).toBe(200);
  }, 120_000);

  it('#13.10: a device that signed in before still signs in while an attacker hammers from the same address', async () => {
    const email = await person();
    const first = await login(email, 'test-password', { from: '127.0.0.15' });
    expect(first.status).toBe(200);
    const device = first.cookies.roster_device;
    expect(device).toBeTruthy();

    await Promise.all(Array.from({ length: 30 }, (_, i) => login(email, `wrong-${i}`, { from: '127.0.0.15', node: i })));
    expect((await login(email, 'test-password', { from: '127.0.0.15' })).status).toBe(429);
    expect((await login(email, 'test-password', { from: '127.0.0.15', device, node: 1 })).status).toBe(200);
    // A device cookie is bound to its login and signed: the attacker cannot make or reuse one.
    const forged = `${device!.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await login(email, 'test-password', { from: '127.0.0.15', device: forged })).status).toBe(429);
    const other = await person();
    for (let i = 0; i < LIMIT; i++) await login(other, `wrong-${i}`, { from: '127.0.0.15' });
    expect((await login(other, 'wrong-again', { from: '127.0.0.15', device })).status).toBe(429);
  }, 120_000);

  it('#13.10: the per-login backstop slows guesses from many addresses down instead of locking, and spares known devices and SSO', async () => {
    const email = await person();
    const throttle = a.core.throttle;
    // Many addresses, one wrong guess each (the slots stay taken, as wrong passwords leave them).
    for (let i = 0; i < PASSWORD_THROTTLE.perLogin; i++)
      expect(await throttle.reserve(email, { address: `10.1.${i >> 8}.${i & 255}` })).not.toBeNull();
    expect(await throttle.reserve(email, { address: '10.2.0.1' })).toBeNull();
    // Slower, not locked: once the slow-down interval has passed, one more attempt is checked.
    await a.core.em().execute(`update sign_in_throttle set next_at = now() - interval '1 second' where next_at is not null`);
    expect(await throttle.reserve(email, { address: '10.2.0.2' })).not.toBeNull();
    expect(await throttle.reserve(email, { address: '10.2.0.3' })).toBeNull();
    // The person, from a browser that signed in before, is not slowed down.
    expect(await throttle.reserve(email, { address: '10.2.0.4', device: throttle.deviceCookie(email) })).not.toBeNull();
    expect((await login(email, 'test-password', { from: '127.0.0.16', device: throttle.deviceCookie(email) })).status).toBe(200);
    // SSO never goes through the password throttle.
    const sso = await a.core.signIn.complete({
      teamId,
      connectionId: 'sso-test',
      protocol: 'saml',
      method: 'corp-sso',
      subject: email,
      email,
      emailVerified: true,
    });
    expect(sso.ok).toBe(true);
  });

  it.skipIf(!onPostgresServer())('#13.3: two nodes on one database share one count', async () => {
    const email = await person();
    for (let i = 0; i < LIMIT; i++)
      expect((await send(a.url, 'POST', '/auth/login', { json: { email, password: `wrong-${i}` }, from: '127.0.0.17' })).status).toBe(401);
    expect((await send(b!.url, 'POST', '/auth/login', { json: { email, password: 'test-password' }, from: '127.0.0.17' })).status).toBe(
      429,
    );
  });
});

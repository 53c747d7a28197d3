import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { textArrayLiteral, type ReadFn } from './context.js';
import type { SignInOutcome } from './sign-in.js';

/** Where a password attempt comes from. */
export interface PasswordAttemptSource {
  /** The client's address as the server sees it (Fastify `request.ip`). */
  address: string;
  /** The device cookie the browser presented, if any (see `PasswordThrottle.deviceCookie`). */
  device?: string | null;
}

/** One password attempt as the HTTP route sees it. */
export interface PasswordAttempt extends PasswordAttemptSource {
  requestId?: string;
}

/** A password sign-in's outcome; a success also carries a new device cookie value. */
export type PasswordSignInOutcome = SignInOutcome & { device?: string };

/** The counters one attempt took a slot in; given back when the password was right. */
export interface ThrottleReservation {
  keys: string[];
}

/**
 * The limits, per window of `windowSeconds` (a counter's window starts at its first failure):
 * - `perSource`: wrong passwords per (login, source address), or per (login, known device).
 *   Reached, that source gets no more checks on that login until the window ends. Only that
 *   source: an attacker elsewhere cannot lock the person out.
 * - `perLogin` / `perAddress`: backstops across sources (many addresses on one login; one
 *   address spraying many logins). Reached, they slow down instead of locking: one checked
 *   attempt per `slowSeconds` on that login (or from that address) until the window ends.
 *   A device that signed in to the login before skips both.
 */
export const PASSWORD_THROTTLE = {
  windowSeconds: 15 * 60,
  perSource: 10,
  perLogin: 100,
  perAddress: 100,
  slowSeconds: 10,
} as const;

/**
 * One statement takes a slot in a counter, or answers no row when the counter is full: the check
 * and the count are one atomic upsert, so attempts racing on any number of nodes cannot all pass
 * a check made before any of them counted. A refused attempt changes nothing (the `where` of
 * `do update`), so refusals never count as failures. A slot is taken before the password is
 * verified and given back when it was right: the counter is "wrong passwords, plus attempts in
 * flight", and the number of passwords checked in a window can never exceed the limit.
 */
function reserveSql(limit: number, windowSeconds: number, slowSeconds: number | null): string {
  const expired = `t.window_start <= now() - interval '${windowSeconds} seconds'`;
  const slow = slowSeconds === null ? '' : ` or t.next_at <= now()`;
  const nextAt =
    slowSeconds === null
      ? 'null'
      : `case when ${expired} then null when t.failures + 1 >= ${limit} then now() + interval '${slowSeconds} seconds' else t.next_at end`;
  return `insert into sign_in_throttle as t (key, failures, window_start) values (?, 1, now())
on conflict (key) do update set
  failures = case when ${expired} then 1 else t.failures + 1 end,
  window_start = case when ${expired} then now() else t.window_start end,
  next_at = ${nextAt}
where ${expired} or t.failures < ${limit}${slow}
returning failures`;
}

const P = PASSWORD_THROTTLE;
const RESERVE_SOURCE = reserveSql(P.perSource, P.windowSeconds, null);
const RESERVE_LOGIN = reserveSql(P.perLogin, P.windowSeconds, P.slowSeconds);
const RESERVE_ADDRESS = reserveSql(P.perAddress, P.windowSeconds, P.slowSeconds);
const RELEASE = 'update sign_in_throttle set failures = failures - 1 where key = any(?::text[]) and failures > 0';

/**
 * Password guessing limits shared by every node (the counters live in PostgreSQL), designed so
 * that knowing someone's email is not enough to lock them out: see PASSWORD_THROTTLE. SSO never
 * passes here. Counter keys are hashes: the table holds no emails or addresses.
 */
export class PasswordThrottle {
  private readonly deviceKey: Buffer;

  constructor(private readonly deps: { read: ReadFn; secretKey: string }) {
    this.deviceKey = createHash('sha256').update(`roster:device:${deps.secretKey}`).digest();
  }

  /** Takes a slot in every counter the attempt falls under, or none and answers null (throttled). */
  async reserve(login: string, source: PasswordAttemptSource): Promise<ThrottleReservation | null> {
    const device = source.device ? this.knownDevice(login, source.device) : null;
    const steps: Array<[sql: string, key: string]> = device
      ? [[RESERVE_SOURCE, key('device', login, device)]]
      : [
          [RESERVE_SOURCE, key('source', login, source.address)],
          [RESERVE_LOGIN, key('login', login)],
          [RESERVE_ADDRESS, key('address', source.address)],
        ];
    const taken: string[] = [];
    for (const [sql, k] of steps) {
      const rows = await this.deps.read(sql, [k], { prepare: true });
      if (!rows.length) {
        if (taken.length) await this.release({ keys: taken });
        return null;
      }
      taken.push(k);
    }
    return { keys: taken };
  }

  /** The password was right: the slots taken were not failures. */
  async release(r: ThrottleReservation): Promise<void> {
    await this.deps.read(RELEASE, [textArrayLiteral(r.keys)], { prepare: true });
  }

  /**
   * A cookie value naming this browser as one that signed in to `login` (random id + HMAC with
   * the server's secret key, so nobody can make one for a login they cannot sign in to).
   */
  deviceCookie(login: string): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.mac(login, id)}`;
  }

  /** The device id, if `cookie` was issued by `deviceCookie` for this login. */
  knownDevice(login: string, cookie: string): string | null {
    const [id, mac] = cookie.split('.');
    if (!id || !mac || id.length > 64) return null;
    const expected = Buffer.from(this.mac(login, id));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  /** Counters whose window ended (and whose slow-down passed) carry nothing: any node may delete them. */
  async purgeExpired(): Promise<void> {
    await this.deps.read(
      `delete from sign_in_throttle where window_start < now() - interval '${P.windowSeconds} seconds' and (next_at is null or next_at < now())`,
    );
  }

  private mac(login: string, id: string): string {
    return createHmac('sha256', this.deviceKey).update(`${login}\n${id}`).digest('base64url');
  }
}

function key(kind: string, ...parts: string[]): string {
  return `${kind}:${createHash('sha256').update(parts.join('\n')).digest('base64url')}`;
}

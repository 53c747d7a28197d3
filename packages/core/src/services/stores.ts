import type { Em, ReadFn } from './context.js';

// Every sign-in runs these: one prepared statement each, without an EntityManager fork.

/**
 * One-time keys shared by every node (SAML / WS-Fed assertion ids). `claim` is a single
 * INSERT … ON CONFLICT DO NOTHING, so two nodes racing on the same key cannot both win.
 */
export class ReplayGuard {
  constructor(
    private readonly em: () => Em,
    private readonly run: ReadFn,
  ) {}
  async claim(namespace: string, key: string, expiresAt: Date): Promise<boolean> {
    // A key whose time is over may be claimed again (it would fail the time check anyway).
    const rows = await this.run<{ key: string }>(
      `insert into replay_guard (namespace, key, expires_at) values (?, ?, ?)
       on conflict (namespace, key) do update set expires_at = excluded.expires_at where replay_guard.expires_at < now()
       returning key`,
      [namespace, key, expiresAt],
      { prepare: true },
    );
    return rows.length === 1;
  }
  async purgeExpired(): Promise<number> {
    const rows = await this.em().execute<Array<{ key: string }>>('delete from replay_guard where expires_at < now() returning key');
    return rows.length;
  }
}

/** Short-lived protocol state any node can finish (AuthnRequest ids, OIDC state). `take` is single-use. */
export class FlowStore {
  constructor(
    private readonly em: () => Em,
    private readonly run: ReadFn,
  ) {}
  async put(namespace: string, key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.run(
      `insert into flow_state (namespace, key, value, expires_at) values (?, ?, ?::jsonb, now() + (? || ' seconds')::interval)
       on conflict (namespace, key) do update set value = excluded.value, expires_at = excluded.expires_at`,
      [namespace, key, JSON.stringify(value ?? null), String(ttlSeconds)],
      { prepare: true },
    );
  }
  async take(namespace: string, key: string): Promise<unknown | null> {
    const rows = await this.run<{ value: unknown }>(
      'delete from flow_state where namespace = ? and key = ? and expires_at > now() returning value',
      [namespace, key],
      { prepare: true },
    );
    return rows[0]?.value ?? null;
  }
  async peek(namespace: string, key: string): Promise<unknown | null> {
    const rows = await this.run<{ value: unknown }>(
      'select value from flow_state where namespace = ? and key = ? and expires_at > now()',
      [namespace, key],
      { prepare: true },
    );
    return rows[0]?.value ?? null;
  }
  async purgeExpired(): Promise<void> {
    await this.em().execute('delete from flow_state where expires_at < now()');
  }
}

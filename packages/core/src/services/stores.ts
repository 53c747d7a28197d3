import type { Em } from './context.js';

/**
 * One-time keys shared by every node (SAML / WS-Fed assertion ids). `claim` is a single
 * INSERT … ON CONFLICT DO NOTHING, so two nodes racing on the same key cannot both win.
 */
export class ReplayGuard {
  constructor(private readonly em: () => Em) {}
  async claim(namespace: string, key: string, expiresAt: Date): Promise<boolean> {
    // A key whose time is over may be claimed again (it would fail the time check anyway).
    const rows = await this.em().execute<Array<{ key: string }>>(
      `insert into replay_guard (namespace, key, expires_at) values (?, ?, ?)
       on conflict (namespace, key) do update set expires_at = excluded.expires_at where replay_guard.expires_at < now()
       returning key`,
      [namespace, key, expiresAt],
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
  constructor(private readonly em: () => Em) {}
  async put(namespace: string, key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.em().execute(
      `insert into flow_state (namespace, key, value, expires_at) values (?, ?, ?::jsonb, now() + (? || ' seconds')::interval)
       on conflict (namespace, key) do update set value = excluded.value, expires_at = excluded.expires_at`,
      [namespace, key, JSON.stringify(value ?? null), String(ttlSeconds)],
    );
  }
  async take(namespace: string, key: string): Promise<unknown | null> {
    const rows = await this.em().execute<Array<{ value: unknown }>>(
      'delete from flow_state where namespace = ? and key = ? and expires_at > now() returning value',
      [namespace, key],
    );
    return rows[0]?.value ?? null;
  }
  async peek(namespace: string, key: string): Promise<unknown | null> {
    const rows = await this.em().execute<Array<{ value: unknown }>>('select value from flow_state where namespace = ? and key = ? and expires_at > now()', [namespace, key]);
    return rows[0]?.value ?? null;
  }
  async purgeExpired(): Promise<void> {
    await this.em().execute('delete from flow_state where expires_at < now()');
  }
}

import type { SamlValidationDeps } from '../../src/protocol/index.js';

/** In-memory stand-ins for the PostgreSQL replay cache and request store. */
export interface MemoryDeps extends SamlValidationDeps {
  claims: Map<string, Date>;
  pending: Map<string, string>;
  setNow(date: Date): void;
}

export function memoryDeps(now: Date, pending: Record<string, string> = {}): MemoryDeps {
  let current = now;
  const claims = new Map<string, Date>();
  const requests = new Map<string, string>(Object.entries(pending));
  return {
    claims,
    pending: requests,
    setNow(date: Date) {
      current = date;
    },
    now: () => current,
    replay: {
      async claim(namespace: string, key: string, expiresAt: Date) {
        const id = `${namespace}\u0000${key}`;
        const existing = claims.get(id);
        if (existing && existing.getTime() > current.getTime()) return false;
        claims.set(id, expiresAt);
        return true;
      },
    },
    requests: {
      async take(id: string) {
        const connectionId = requests.get(id);
        if (connectionId === undefined) return null;
        requests.delete(id);
        return { connectionId };
      },
    },
  };
}

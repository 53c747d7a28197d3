import type { ReplayCache } from '../../src/protocol/index.js';

/** In-memory stand-in for the PostgreSQL replay cache: one instance shared by every "node". */
export class MemoryReplayCache implements ReplayCache {
  readonly entries = new Map<string, Date>();

  async claim(namespace: string, key: string, expiresAt: Date): Promise<boolean> {
    const id = `${namespace}\u0000${key}`;
    const existing = this.entries.get(id);
    if (existing !== undefined && existing.getTime() > Date.now()) return false;
    this.entries.set(id, expiresAt);
    return true;
  }
}

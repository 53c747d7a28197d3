/**
 * In-memory FlowStore for tests and single-node development. Production uses the core's
 * PostgreSQL-backed FlowStore so that any node can finish a flow another one started.
 */
import type { FlowStoreLike } from '@roster/plugin-sdk';

export class MemoryFlowStore implements FlowStoreLike {
  private readonly items = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(namespace: string, key: string, value: unknown, ttlSeconds: number): Promise<void> {
    // Stored as JSON like the jsonb column, so tests catch values that would not survive it.
    this.items.set(`${namespace}\u0000${key}`, { value: JSON.stringify(value ?? null), expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async take(namespace: string, key: string): Promise<unknown | null> {
    const id = `${namespace}\u0000${key}`;
    const item = this.items.get(id);
    this.items.delete(id);
    if (!item || item.expiresAt <= this.now()) return null;
    return JSON.parse(item.value) as unknown;
  }

  async peek(namespace: string, key: string): Promise<unknown | null> {
    const item = this.items.get(`${namespace}\u0000${key}`);
    if (!item || item.expiresAt <= this.now()) return null;
    return JSON.parse(item.value) as unknown;
  }
}

/**
 * What one node keeps of data every node can change (verified tokens, SSO connections), so a hot
 * path does not spend a statement on it (on the machines measured, each statement is a large
 * share of a request's cost: docs/benchmarks.md). It never decides on its own that an entry is
 * still right for long:
 * - it is **off** until the host says changes reach it (`setLive(true)`): the server does so while
 *   its `LISTEN` connection is up (every change committed by any node is then announced to it).
 *   When the listener drops, the host calls `setLive(false)`: everything is forgotten and every
 *   request reads the database until the listener is back;
 * - an entry lives at most `ttlMs`, which bounds the damage of a listener that stalls silently;
 * - a change heard while a read was in flight makes that read not cache (`ticket`), so a read
 *   that raced a change cannot plant the old value.
 * Only what was found is kept: a miss always asks the database.
 */
export class NodeCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private live = false;
  /** Bumped by every change heard and every reset; a read caches only if it did not move. */
  private seq = 0;

  constructor(private readonly opts: { ttlMs: number; maxEntries: number; now?: () => number }) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  get enabled(): boolean {
    return this.live && this.opts.ttlMs > 0;
  }

  /** The host's word on whether changes reach this node; either way the cache starts empty. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
  }

  clear(): void {
    this.seq++;
    this.entries.clear();
  }

  /** A ticket to take before reading the database, for `set`. */
  ticket(): number {
    return this.seq;
  }

  /** The entry, while it is fresh. Callers may update fields of what it returns in place. */
  protected entry(key: string): V | undefined {
    if (!this.enabled) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  protected store(key: string, value: V, ticket: number): void {
    if (!this.enabled || ticket !== this.seq) return;
    if (this.entries.size >= this.opts.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: this.now() + this.opts.ttlMs });
  }

  /** A change of one key was heard: drop it, and make reads in flight not cache. */
  protected forgetKey(key: string): void {
    this.seq++;
    this.entries.delete(key);
  }

  /** A change was heard: drop the entries it concerns, and make reads in flight not cache. */
  protected forget(matches: (key: string, value: V) => boolean): void {
    this.seq++;
    for (const [key, e] of this.entries) if (matches(key, e.value)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

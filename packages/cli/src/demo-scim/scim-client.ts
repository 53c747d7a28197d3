/** A small SCIM client that counts what it sends and stops at the first answer it did not expect. */

export type Json = Record<string, unknown>;

export const SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  license: 'urn:roster:params:scim:schemas:extension:license:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
} as const;

/** A SCIM answer outside what the cycle expects: the simulator stops and says which request. */
export class ScimCallError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${method} ${path} answered ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'ScimCallError';
  }
}

export interface ScimClient {
  /** Sends one request; any status outside `expect` throws a ScimCallError. */
  call<T = Json>(method: string, path: string, body?: unknown, expect?: number[]): Promise<T>;
  /** Requests sent so far, by method. */
  readonly sent: Record<string, number>;
}

export function scimClient(base: string, token: string, headers: () => Record<string, string> = () => ({})): ScimClient {
  const sent: Record<string, number> = {};
  return {
    sent,
    async call<T>(method: string, path: string, body?: unknown, expect = [200, 201, 204]): Promise<T> {
      sent[method] = (sent[method] ?? 0) + 1;
      const h: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/scim+json', ...headers() };
      if (body !== undefined) h['content-type'] = 'application/scim+json';
      const r = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      if (!expect.includes(r.status)) {
        let detail = text.slice(0, 300);
        try {
          const e = JSON.parse(text) as { detail?: string; scimType?: string };
          detail = [e.scimType, e.detail].filter(Boolean).join(': ') || detail;
        } catch {
          // not JSON: the raw text says more than nothing
        }
        throw new ScimCallError(method, path, r.status, detail);
      }
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

export const patchOp = (...ops: Json[]): Json => ({ schemas: [SCHEMAS.patch], Operations: ops });

export const q = (filter: string): string => encodeURIComponent(filter);

/** A SCIM string literal: RFC 7644 filters quote with JSON rules. */
export const lit = (s: string): string => JSON.stringify(s);

/** Every resource of a list endpoint, page by page (`maxResults` caps a page at 200 by default). */
export async function listAll<T>(c: ScimClient, path: string): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let start = 1; ;) {
    const page = await c.call<{ totalResults: number; itemsPerPage?: number; Resources?: T[] }>(
      'GET',
      `${path}${sep}startIndex=${start}&count=200`,
    );
    const items = page.Resources ?? [];
    out.push(...items);
    start += items.length;
    if (items.length === 0 || out.length >= page.totalResults) return out;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, as IdPs send requests in parallel. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** `meta` (RFC 7643 §3.1) and ETags (RFC 7644 §3.14): the version is the row's integer version. */
import type { JsonObject } from './json.js';

export function etag(version: number): string {
  return `W/"${version}"`;
}

export function renderMeta(
  resourceType: 'User' | 'Group',
  r: { id: string; createdAt: Date; updatedAt: Date; version: number },
  baseUrl: string,
): JsonObject {
  return {
    resourceType,
    created: r.createdAt.toISOString(),
    lastModified: r.updatedAt.toISOString(),
    location: `${baseUrl}/${resourceType === 'User' ? 'Users' : 'Groups'}/${r.id}`,
    version: etag(r.version),
  };
}

/** The opaque tags of an If-Match / If-None-Match header; `*` is kept as is. Weak and strong compare alike. */
export function parseEtagList(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => (t === '*' ? '*' : t.replace(/^W\//i, '')));
}

/** Whether a precondition header names the current version (`*` matches any existing resource). */
export function etagMatches(header: string, version: number): boolean {
  const current = `"${version}"`;
  return parseEtagList(header).some((t) => t === '*' || t === current);
}

/** Turns validated claims into Roster's identity shape using the connection's claim mapping. */
import { presetFor } from './presets.js';
import type { ClaimMapping, OidcConnection, OidcIdentity } from './types.js';

function names(source: string | string[] | undefined): string[] {
  if (source === undefined) return [];
  return Array.isArray(source) ? source : [source];
}

function found(claims: Record<string, unknown>, source: string | string[] | undefined): { name: string; value: unknown } | undefined {
  for (const name of names(source)) {
    const value = claims[name];
    if (value !== undefined && value !== null && value !== '') return { name, value };
  }
  return undefined;
}

function first(claims: Record<string, unknown>, source: string | string[] | undefined): unknown {
  return found(claims, source)?.value;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  return null;
}

/** Some IdPs send `"true"` as a string (Entra's xms_edov, older Cognito pools). */
function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === 1;
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
}

/**
 * Entra replaces `groups` by `_claim_names: { groups: "src1" }` when a user has more groups than
 * fit in a token (200 in JWTs); `hasgroups: true` is the implicit-flow variant.
 */
export function hasGroupsOverage(claims: Record<string, unknown>): boolean {
  const claimNames = claims._claim_names;
  if (claimNames && typeof claimNames === 'object' && 'groups' in claimNames) return true;
  return flag(claims.hasgroups);
}

export function effectiveMapping(conn: Pick<OidcConnection, 'provider' | 'claimMapping'>): ClaimMapping {
  return { ...presetFor(conn.provider).claimMapping, ...conn.claimMapping };
}

export function mapIdentity(conn: Pick<OidcConnection, 'provider' | 'claimMapping'>, claims: Record<string, unknown>): OidcIdentity {
  const mapping = effectiveMapping(conn);
  const overage = hasGroupsOverage(claims);
  const email = found(claims, mapping.email);
  return {
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email: text(email?.value),
    // `email_verified` (and Entra's `xms_edov`) speak about the primary email claim only: an
    // address taken from a fallback such as `preferred_username` or `upn` is never verified.
    emailVerified: email !== undefined && email.name === names(mapping.email)[0] && flag(first(claims, mapping.emailVerified)),
    givenName: text(first(claims, mapping.givenName)),
    familyName: text(first(claims, mapping.familyName)),
    name: text(first(claims, mapping.name)),
    groups: overage ? [] : list(first(claims, mapping.groups)),
    groupsOverage: overage,
    hd: text(claims.hd),
    tenantId: text(claims.tid),
    claims,
  };
}

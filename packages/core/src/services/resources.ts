import type { ApiToken, Group, Membership, Team, VerifiedDomain } from '../entities/index.js';

/**
 * The `data` of events: each resource as the change left it, in one shape per type whatever
 * the channel (docs/events.md). Removed resources are `{ id }`.
 */

export function memberResource(m: Membership): Record<string, unknown> {
  const u = m.user.isInitialized() ? m.user.getEntity() : null;
  return {
    id: m.id,
    teamId: m.team.id,
    userId: m.user.id,
    userName: m.userName,
    email: u?.email ?? null,
    givenName: u?.givenName ?? null,
    familyName: u?.familyName ?? null,
    displayName: u?.displayName ?? null,
    externalId: m.externalId,
    role: m.role,
    status: m.status,
    creditLimit: m.creditLimit,
    attributes: m.attributes,
    version: m.version,
  };
}

/** `memberResource` in SQL, over a membership row `m` and its person `u` (statements that change and publish at once). */
export function memberResourceSql(m: string, u: string): string {
  return `jsonb_build_object('id', ${m}.id, 'teamId', ${m}.team_id, 'userId', ${m}.user_id, 'userName', ${m}.user_name,
    'email', ${u}.email, 'givenName', ${u}.given_name, 'familyName', ${u}.family_name, 'displayName', ${u}.display_name,
    'externalId', ${m}.external_id, 'role', ${m}.role, 'status', ${m}.status, 'creditLimit', ${m}.credit_limit,
    'attributes', ${m}.attributes, 'version', ${m}.version)`;
}

export function groupResource(g: Group): Record<string, unknown> {
  return {
    id: g.id,
    teamId: g.team.id,
    displayName: g.displayName,
    externalId: g.externalId,
    licenseTypeId: g.licenseType?.id ?? null,
    version: g.version,
  };
}

export function tokenResource(t: ApiToken): Record<string, unknown> {
  return {
    id: t.id,
    teamId: t.teamId,
    name: t.name,
    scope: t.scope,
    prefix: t.prefix,
    createdBy: t.createdBy,
    revoked: t.revokedAt !== null,
  };
}

export function domainResource(d: VerifiedDomain): Record<string, unknown> {
  return { id: d.id, teamId: d.team.id, domain: d.domain, verified: d.verifiedAt !== null, verifiedBy: d.verifiedBy };
}

export function teamResource(t: Team): Record<string, unknown> {
  return { id: t.id, slug: t.slug, name: t.name, signInPolicy: t.signInPolicy };
}

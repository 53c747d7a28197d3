import { GroupType, LicenseTypeRef, MemberLicenseType, type LicenseStateEnum, type MemberType } from './types.js';
import type { AssignmentRef, GroupRef } from './loaders.js';

/**
 * A member's `groups` and `licenses` as GraphQL objects. The members page builds them straight
 * from its JSON columns (one object per value, #19); the batched loaders' rows go through `toGroups`
 * and `toLicenses`.
 */
export function groupOf(
  m: MemberType,
  id: string,
  displayName: string,
  licenseTypeId: string | null,
  externalId: string | null,
  createdAt: Date,
): GroupType {
  const g = new GroupType();
  g.id = id;
  g.teamId = m.teamId;
  g.displayName = displayName;
  g.externalId = externalId;
  g.licenseTypeId = licenseTypeId;
  g.createdAt = createdAt;
  return g;
}

export function licenseOf(
  licenseTypeId: string,
  key: string,
  name: string,
  state: AssignmentRef['state'],
  requestedAt: Date,
  grantedAt: Date | null,
): MemberLicenseType {
  // Assigned field by field, as groupOf: no literal object per license to copy from.
  const type = new LicenseTypeRef();
  type.id = licenseTypeId;
  type.key = key;
  type.name = name;
  const l = new MemberLicenseType();
  l.licenseType = type;
  l.state = state as LicenseStateEnum;
  l.requestedAt = requestedAt;
  l.grantedAt = grantedAt;
  return l;
}

export function toGroups(m: MemberType, rows: readonly GroupRef[]): GroupType[] {
  return rows.map((g) => groupOf(m, g.id, g.displayName, g.licenseTypeId, g.externalId, g.createdAt));
}

export function toLicenses(rows: readonly AssignmentRef[]): MemberLicenseType[] {
  return rows.map((l) => licenseOf(l.licenseTypeId, l.key, l.name, l.state, l.requestedAt, l.grantedAt));
}

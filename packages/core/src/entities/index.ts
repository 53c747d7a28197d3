export { Team, DEFAULT_SIGN_IN_POLICY, type SignInPolicy, type SignInMethod } from './team.js';
export { User, normaliseLogin } from './user.js';
export { Membership, type MemberRole, type MemberStatus } from './membership.js';
export { LicenseType, DEFAULT_LICENSE_TYPES } from './license-type.js';
export { Group, GroupMember } from './group.js';
export { LicenseAssignment, type LicenseState } from './license-assignment.js';
export { VerifiedDomain } from './verified-domain.js';
export { AuditEvent, type AuditChannel, type AuditOutcome } from './audit-event.js';
export { Session } from './session.js';
export { ApiToken, type TokenScope } from './api-token.js';
export { Identity } from './identity.js';

import { Team } from './team.js';
import { User } from './user.js';
import { Membership } from './membership.js';
import { LicenseType } from './license-type.js';
import { Group, GroupMember } from './group.js';
import { LicenseAssignment } from './license-assignment.js';
import { VerifiedDomain } from './verified-domain.js';
import { AuditEvent } from './audit-event.js';
import { Session } from './session.js';
import { ApiToken } from './api-token.js';
import { Identity } from './identity.js';

export const coreEntities = [
  Team,
  User,
  Membership,
  LicenseType,
  Group,
  GroupMember,
  LicenseAssignment,
  VerifiedDomain,
  AuditEvent,
  Session,
  ApiToken,
  Identity,
];

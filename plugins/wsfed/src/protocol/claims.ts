/**
 * Claim mapping: which claim types of the verified assertion become the identity's fields.
 * Each field lists claim types in priority order; the first one present wins, except `groups`,
 * which is the union (ADFS sends group SIDs or names as `groups` and AD groups as `role`).
 */
export interface ClaimMapping {
  email: string[];
  givenName: string[];
  familyName: string[];
  displayName: string[];
  upn: string[];
  groups: string[];
  objectId: string[];
  tenantId: string[];
}

export type ClaimMappingPreset = 'adfs' | 'entra';

/** A preset, optionally with some fields replaced (e.g. `{ preset: 'adfs', email: [CLAIM.upn] }`). */
export type ClaimMappingInput = ClaimMappingPreset | (Partial<ClaimMapping> & { preset?: ClaimMappingPreset });

const XMLSOAP = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
const MS_2008 = 'http://schemas.microsoft.com/ws/2008/06/identity/claims';
const MS_IDENTITY = 'http://schemas.microsoft.com/identity/claims';

export const CLAIM = {
  email: `${XMLSOAP}/emailaddress`,
  givenName: `${XMLSOAP}/givenname`,
  surname: `${XMLSOAP}/surname`,
  name: `${XMLSOAP}/name`,
  upn: `${XMLSOAP}/upn`,
  commonName: 'http://schemas.xmlsoap.org/claims/CommonName',
  adfsGroup: 'http://schemas.xmlsoap.org/claims/Group',
  groups: `${MS_2008}/groups`,
  role: `${MS_2008}/role`,
  entraDisplayName: `${MS_IDENTITY}/displayname`,
  entraObjectId: `${MS_IDENTITY}/objectidentifier`,
  entraTenantId: `${MS_IDENTITY}/tenantid`,
} as const;

export const CLAIM_MAPPING_PRESETS: Readonly<Record<ClaimMappingPreset, Readonly<ClaimMapping>>> = {
  // ADFS: claims come from the relying party trust's issuance rules; `name` is usually the
  // sAMAccountName or DOMAIN\user, so it is only a display-name fallback, never the email.
  adfs: {
    email: [CLAIM.email],
    givenName: [CLAIM.givenName],
    familyName: [CLAIM.surname],
    displayName: [CLAIM.commonName, CLAIM.name],
    upn: [CLAIM.upn],
    groups: [CLAIM.groups, CLAIM.role, CLAIM.adfsGroup],
    objectId: [],
    tenantId: [],
  },
  // Entra ID: `name` carries the user principal name; the object id is the stable subject.
  entra: {
    email: [CLAIM.email],
    givenName: [CLAIM.givenName],
    familyName: [CLAIM.surname],
    displayName: [CLAIM.entraDisplayName],
    upn: [CLAIM.upn, CLAIM.name],
    groups: [CLAIM.groups, CLAIM.role],
    objectId: [CLAIM.entraObjectId],
    tenantId: [CLAIM.entraTenantId],
  },
};

export function resolveClaimMapping(input: ClaimMappingInput | undefined): ClaimMapping {
  if (input === undefined) return { ...CLAIM_MAPPING_PRESETS.adfs };
  if (typeof input === 'string') return { ...CLAIM_MAPPING_PRESETS[input] };
  const { preset, ...overrides } = input;
  const base = CLAIM_MAPPING_PRESETS[preset ?? 'adfs'];
  const merged: ClaimMapping = { ...base };
  for (const key of Object.keys(base) as (keyof ClaimMapping)[]) {
    const override = overrides[key];
    if (override !== undefined) merged[key] = [...override];
  }
  return merged;
}

export interface MappedClaims {
  email?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  upn?: string;
  groups: string[];
  objectId?: string;
  tenantId?: string;
}

export function mapClaims(attributes: Readonly<Record<string, string[]>>, mapping: ClaimMapping): MappedClaims {
  const first = (types: string[]): string | undefined => {
    for (const type of types) {
      const value = attributes[type]?.find((v) => v.trim() !== '');
      if (value !== undefined) return value.trim();
    }
    return undefined;
  };
  const groups = new Set<string>();
  for (const type of mapping.groups) for (const value of attributes[type] ?? []) if (value.trim()) groups.add(value.trim());
  return {
    email: first(mapping.email),
    givenName: first(mapping.givenName),
    familyName: first(mapping.familyName),
    displayName: first(mapping.displayName),
    upn: first(mapping.upn),
    groups: [...groups],
    objectId: first(mapping.objectId),
    tenantId: first(mapping.tenantId),
  };
}

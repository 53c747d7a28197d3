/**
 * Attribute names each IdP sends by default (or that its setup guide tells the admin to
 * configure), so an admin only picks "Okta" or "Entra ID". Several names per field: the first one
 * present in the assertion wins. Names are exact (SAML attribute names are case-sensitive).
 */
export interface IdpPreset {
  id: IdpPresetId;
  label: string;
  email: string[];
  givenName: string[];
  familyName: string[];
  groups: string[];
  /** NameID format to request / configure at the IdP. */
  nameIdFormat: string;
  /** Short setup hint shown next to the SP values. */
  setupHint: string;
}

export type IdpPresetId = 'okta' | 'entra' | 'auth0' | 'duo' | 'onelogin' | 'google' | 'adfs' | 'jumpcloud' | 'ping' | 'generic';

const CLAIMS = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  msGroups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  msRole: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  group: 'http://schemas.xmlsoap.org/claims/Group',
} as const;

const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

export const IDP_PRESETS: Readonly<Record<IdpPresetId, IdpPreset>> = {
  okta: {
    id: 'okta',
    label: 'Okta',
    email: ['email'],
    givenName: ['firstName'],
    familyName: ['lastName'],
    groups: ['groups'],
    nameIdFormat: EMAIL,
    setupHint: 'Attribute statements email, firstName, lastName (user.*); group attribute statement "groups".',
  },
  entra: {
    id: 'entra',
    label: 'Microsoft Entra ID',
    email: [CLAIMS.email, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'],
    givenName: [CLAIMS.givenName],
    familyName: [CLAIMS.surname],
    groups: [CLAIMS.msGroups, CLAIMS.msRole],
    nameIdFormat: EMAIL,
    setupHint: 'Default claims work; add a group claim for groups (Entra sends object ids unless configured).',
  },
  auth0: {
    id: 'auth0',
    label: 'Auth0',
    email: [CLAIMS.email],
    givenName: [CLAIMS.givenName],
    familyName: [CLAIMS.surname],
    groups: [CLAIMS.group, 'groups'],
    nameIdFormat: EMAIL,
    setupHint: 'SAML2 Web App addon; set "nameIdentifierFormat" to emailAddress.',
  },
  duo: {
    id: 'duo',
    label: 'Duo',
    email: ['Email', 'email'],
    givenName: ['FirstName', 'firstName'],
    familyName: ['LastName', 'lastName'],
    groups: ['Groups', 'groups'],
    nameIdFormat: EMAIL,
    setupHint: 'Generic SAML Service Provider; map <Email Address>, <First Name>, <Last Name> and a group attribute.',
  },
  onelogin: {
    id: 'onelogin',
    label: 'OneLogin',
    email: ['User.email', 'email'],
    givenName: ['User.FirstName', 'firstName'],
    familyName: ['User.LastName', 'lastName'],
    groups: ['memberOf', 'groups'],
    nameIdFormat: EMAIL,
    setupHint: 'SAML Custom Connector (Advanced); NameID = Email; add a "memberOf" parameter for groups.',
  },
  google: {
    id: 'google',
    label: 'Google Workspace',
    email: ['email'],
    givenName: ['firstName'],
    familyName: ['lastName'],
    groups: ['groups'],
    nameIdFormat: EMAIL,
    setupHint: 'Custom SAML app; map Primary email → email, First name → firstName, Last name → lastName, Group membership → groups.',
  },
  adfs: {
    id: 'adfs',
    label: 'AD FS',
    email: [CLAIMS.email, CLAIMS.upn],
    givenName: [CLAIMS.givenName],
    familyName: [CLAIMS.surname],
    groups: [CLAIMS.group, CLAIMS.msRole],
    nameIdFormat: EMAIL,
    setupHint: 'Relying party trust from SP metadata; claim rules for E-Mail, Given-Name, Surname, Token-Groups.',
  },
  jumpcloud: {
    id: 'jumpcloud',
    label: 'JumpCloud',
    email: ['email'],
    givenName: ['firstname', 'firstName'],
    familyName: ['lastname', 'lastName'],
    groups: ['memberOf', 'groups'],
    nameIdFormat: EMAIL,
    setupHint: 'Custom SAML app; user attributes email, firstname, lastname; enable "include group attribute" (memberOf).',
  },
  ping: {
    id: 'ping',
    label: 'Ping Identity',
    email: ['email', 'mail'],
    givenName: ['given_name', 'firstName', 'givenName'],
    familyName: ['family_name', 'lastName', 'sn'],
    groups: ['memberOf', 'groups'],
    nameIdFormat: EMAIL,
    setupHint: 'PingOne / PingFederate SAML app; map email, given_name, family_name and memberOf.',
  },
  generic: {
    id: 'generic',
    label: 'Other SAML 2.0 IdP',
    email: ['email', 'mail', 'Email', 'emailAddress', CLAIMS.email, 'urn:oid:0.9.2342.19200300.100.1.3', 'User.email'],
    givenName: ['firstName', 'givenName', 'given_name', 'FirstName', CLAIMS.givenName, 'urn:oid:2.5.4.42', 'User.FirstName'],
    familyName: ['lastName', 'surname', 'sn', 'family_name', 'LastName', CLAIMS.surname, 'urn:oid:2.5.4.4', 'User.LastName'],
    groups: ['groups', 'memberOf', 'Groups', CLAIMS.msGroups, CLAIMS.group, 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1'],
    nameIdFormat: UNSPECIFIED,
    setupHint: 'Send email, first and last name and groups as attributes; NameID should be stable (persistent or email).',
  },
};

export const PERSISTENT_NAMEID_FORMAT = PERSISTENT;

export function idpPreset(id: IdpPresetId): IdpPreset {
  return IDP_PRESETS[id];
}

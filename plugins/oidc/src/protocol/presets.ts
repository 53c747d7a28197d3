/**
 * Provider presets: the scopes and claim names each IdP really uses, so an admin only pastes
 * an issuer, a client id and a secret. Every field stays editable on the connection.
 */
import type { ClaimMapping } from './types.js';

export type ProviderPresetId = 'generic' | 'okta' | 'entra' | 'auth0' | 'onelogin' | 'duo' | 'google' | 'keycloak';

export interface ProviderPreset {
  id: ProviderPresetId;
  label: string;
  /** Shown to the admin as the shape of the issuer to paste. */
  issuerExample: string;
  scopes: string[];
  claimMapping: ClaimMapping;
  /** Whether the userinfo endpoint adds anything the ID token lacks. */
  useUserinfo: boolean;
}

const standard: ClaimMapping = {
  email: 'email',
  emailVerified: 'email_verified',
  givenName: 'given_name',
  familyName: 'family_name',
  name: 'name',
  groups: 'groups',
};

export const PROVIDER_PRESETS: Readonly<Record<ProviderPresetId, ProviderPreset>> = {
  generic: {
    id: 'generic',
    label: 'OpenID Connect',
    issuerExample: 'https://idp.example.com',
    scopes: ['openid', 'profile', 'email'],
    claimMapping: standard,
    useUserinfo: true,
  },
  okta: {
    id: 'okta',
    label: 'Okta',
    // The org authorization server knows the `groups` scope; custom ones need it defined first.
    issuerExample: 'https://{yourOktaDomain} or https://{yourOktaDomain}/oauth2/default',
    scopes: ['openid', 'profile', 'email'],
    claimMapping: standard,
    useUserinfo: true,
  },
  entra: {
    id: 'entra',
    label: 'Microsoft Entra ID',
    issuerExample: 'https://login.microsoftonline.com/{tenantId}/v2.0',
    scopes: ['openid', 'profile', 'email'],
    // `email` is optional and unverified in Entra; the UPN is tenant-controlled and always there.
    // `xms_edov` (optional claim) says the tenant owns the email's domain.
    claimMapping: { ...standard, email: ['email', 'preferred_username', 'upn'], emailVerified: ['email_verified', 'xms_edov'] },
    // Entra's userinfo lives on Microsoft Graph and returns less than the ID token.
    useUserinfo: false,
  },
  auth0: {
    id: 'auth0',
    label: 'Auth0',
    // Auth0 issuers end with a slash, and discovery compares issuers exactly.
    issuerExample: 'https://{tenant}.{region}.auth0.com/',
    scopes: ['openid', 'profile', 'email'],
    // Auth0 only emits custom claims under a namespace, added by a post-login Action.
    claimMapping: { ...standard, groups: ['https://roster.app/groups', 'groups'] },
    useUserinfo: true,
  },
  onelogin: {
    id: 'onelogin',
    label: 'OneLogin',
    issuerExample: 'https://{subdomain}.onelogin.com/oidc/2',
    scopes: ['openid', 'profile', 'email', 'groups'],
    claimMapping: standard,
    useUserinfo: true,
  },
  duo: {
    id: 'duo',
    label: 'Duo Single Sign-On',
    issuerExample: 'https://sso-{accountId}.sso.duosecurity.com/oidc/{clientId}',
    scopes: ['openid', 'profile', 'email'],
    claimMapping: standard,
    useUserinfo: true,
  },
  google: {
    id: 'google',
    label: 'Google Workspace',
    issuerExample: 'https://accounts.google.com',
    scopes: ['openid', 'profile', 'email'],
    // Google has no groups claim; the workspace is the `hd` claim (see `hostedDomain`).
    claimMapping: { ...standard, groups: [] },
    useUserinfo: false,
  },
  keycloak: {
    id: 'keycloak',
    label: 'Keycloak',
    // Groups need a "Group Membership" mapper on the client scope (full path off).
    issuerExample: 'https://{host}/realms/{realm}',
    scopes: ['openid', 'profile', 'email'],
    claimMapping: standard,
    useUserinfo: true,
  },
};

export function isProviderPresetId(value: unknown): value is ProviderPresetId {
  return typeof value === 'string' && Object.hasOwn(PROVIDER_PRESETS, value);
}

export function presetFor(id: ProviderPresetId | undefined): ProviderPreset {
  return PROVIDER_PRESETS[id ?? 'generic'];
}

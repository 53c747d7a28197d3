/**
 * Shapes shared by the OpenID Connect relying-party core. Nothing here depends on Fastify,
 * GraphQL or the ORM so the protocol can be tested against real and hostile providers alone.
 */
import type { ProviderPresetId } from './presets.js';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Where each identity field comes from: a claim name, or several tried in order. */
export interface ClaimMapping {
  email?: string | string[];
  emailVerified?: string | string[];
  givenName?: string | string[];
  familyName?: string | string[];
  name?: string | string[];
  groups?: string | string[];
}

/** A private JWK (RSA, EC or OKP) used to sign `private_key_jwt` client assertions. */
export interface PrivateJwk {
  kty: string;
  kid?: string;
  alg?: string;
  [member: string]: unknown;
}

export interface OidcConnection {
  id: string;
  /** Null only for the operator's platform-level Google connection (issue 5). */
  teamId: string | null;
  /** Issuer identifier; discovery reads `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Plain text here: decrypting the stored secret is the caller's job. */
  clientSecret?: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  privateKeyJwk?: PrivateJwk;
  scopes: string[];
  claimMapping: ClaimMapping;
  /** Google Workspace: only ID tokens whose `hd` claim equals this domain are accepted. */
  hostedDomain?: string;
  /**
   * Entra multi-tenant issuers (`common`, `organizations`): the tenant ids (`tid`) allowed to
   * sign in. Required for such issuers, otherwise any Microsoft tenant could assert any email.
   */
  tenantIds?: string[];
  /** Exact redirect URI registered at the provider (no query string). */
  redirectUri: string;
  /** The redirect URI is the shared `/oidc/callback` (connections made before per-connection callbacks). */
  legacyCallback?: boolean;
  /** Only honoured for `http:` issuers: lets tests talk to a provider without TLS. */
  allowInsecureRequests?: boolean;
  /** Preset the mapping came from; also decides defaults such as `useUserinfo`. */
  provider?: ProviderPresetId;
  /** Call the userinfo endpoint after the token exchange (default true when advertised). */
  useUserinfo?: boolean;
}

/** What OIDC keeps with a pending sign-in, besides the toolkit's connection, team and return_to. JSON-safe. */
export interface OidcFlowData {
  codeVerifier: string;
  nonce: string;
}

export interface OidcIdentity {
  /** The `iss` of the ID token (tenant-specific for Entra multi-tenant connections). */
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  givenName: string | null;
  familyName: string | null;
  name: string | null;
  /** Empty when the provider sent none; see `groupsOverage`. */
  groups: string[];
  /**
   * Entra sent `_claim_names.groups` instead of the list (more than ~200 groups): the list is
   * unknown, not empty, so callers must not remove memberships because of it.
   */
  groupsOverage: boolean;
  hd: string | null;
  /** Entra tenant id when present. */
  tenantId: string | null;
  /** ID token claims, completed by userinfo claims the ID token did not carry. */
  claims: Record<string, unknown>;
}

/** Stable codes for the sign-in trace (R19); the reason is for humans. */
export type FailureStep =
  | 'configuration'
  | 'discovery'
  | 'state'
  | 'authorization'
  | 'token'
  | 'id_token'
  | 'issuer'
  | 'audience'
  | 'nonce'
  | 'signature'
  | 'expired'
  | 'issued_at'
  | 'tenant'
  | 'hd'
  | 'userinfo'
  | 'claims';

export interface SignInFailure {
  ok: false;
  step: FailureStep;
  reason: string;
  /** Known once the flow state was found, so the failure can be traced to a team. */
  connectionId?: string;
  teamId?: string | null;
}

export interface SignInSuccess {
  ok: true;
  identity: OidcIdentity;
  connectionId: string;
  teamId: string | null;
  returnTo: string | null;
  /** The flow-binding cookie without this sign-in's state. */
  setCookie: string;
}

export type SignInResult = SignInSuccess | SignInFailure;

export const FLOW_NAMESPACE = 'oidc';

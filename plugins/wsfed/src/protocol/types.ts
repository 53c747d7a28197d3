import type { ClaimMappingInput } from './claims.js';

/**
 * One team's WS-Federation connection, as the relying-party core needs it. Everything here is
 * per connection on purpose: issuer, realm and certificates are what stop a token minted for one
 * team from signing someone into another (R1, R18).
 */
export interface WsFedConnection {
  /** Connection id; part of replay keys and audit traces. */
  id: string;
  teamId: string;
  /** IdP passive requestor endpoint, e.g. `https://adfs.contoso.com/adfs/ls/`. */
  idpSignInUrl: string;
  /** IdP sign-out endpoint when it differs from the sign-in endpoint (ADFS and Entra use the same). */
  idpSignOutUrl?: string;
  /** Expected token issuer: the IdP entityID (`http://adfs.contoso.com/adfs/services/trust`, `https://sts.windows.net/{tid}/`). */
  idpIssuer: string;
  /** `wtrealm`; must be unique per connection, tokens must name it as their audience. */
  realm: string;
  /** `wreply`: where the IdP posts `wresult`. */
  replyUrl: string;
  /** Trusted token-signing certificates (PEM or base64 DER). Several at once for rollover. */
  signingCertificates: string[];
  /** Accept RSA-SHA1 / SHA-1 digests. Off unless an old ADFS farm still signs that way. */
  allowSha1?: boolean;
  /** Tolerated clock difference with the IdP, seconds (default 120, at most 600). */
  clockSkewSeconds?: number;
  /** A preset name or an explicit mapping (default `adfs`). */
  claimMapping?: ClaimMappingInput;
}

export interface WsFedIdentity {
  /** Subject NameIdentifier / NameID of the verified assertion. */
  nameId: string;
  nameIdFormat?: string;
  email?: string;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  upn?: string;
  groups: string[];
  /** Entra ID object id and tenant id when the token carries them. */
  objectId?: string;
  tenantId?: string;
  /** Every claim of the verified assertion, by full claim type. */
  attributes: Record<string, string[]>;
  assertionId: string;
  issuer: string;
  samlVersion: '1.1' | '2.0';
  /** When the assertion stops being valid (already clipped by the RSTR Lifetime). */
  expiresAt: Date;
}

/** Stable codes for traces and audit (R19): the first check a response failed. */
export type WsFedStep = 'xml' | 'token' | 'signature' | 'issuer' | 'audience' | 'time' | 'subject' | 'replay';

export type WsFedResult =
  | { ok: true; identity: WsFedIdentity }
  | {
      ok: false;
      step: WsFedStep;
      /** Human reason, safe to show an admin (never contains key material). */
      reason: string;
      /** Lower-level code (e.g. an `XmlSecurityError` code) when there is one. */
      code?: string;
      /** Known once the signature is verified; lets the audit trail name the refused token. */
      assertionId?: string;
      issuer?: string;
    };

export interface ReplayCache {
  /** True when the key was not seen before and is now recorded until `expiresAt`; false on replay. */
  claim(namespace: string, key: string, expiresAt: Date): Promise<boolean>;
}

export interface WsFedDeps {
  replay: ReplayCache;
  /** Injected clock for tests and for deterministic traces. */
  now?: () => Date;
}

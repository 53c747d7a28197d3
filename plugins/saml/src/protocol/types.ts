import type { AttributeMapping } from './attributes.js';

/** One SAML connection of one team (R1, R18). */
export interface SamlConnectionConfig {
  id: string;
  teamId: string;
  /** Our entity id for this connection: the Audience the IdP must address. */
  spEntityId: string;
  /** Our ACS URL for this connection: Destination and Recipient must equal it. */
  acsUrl: string;
  idpEntityId: string;
  idpSsoUrl: string;
  /** Binding used to send AuthnRequests to `idpSsoUrl` (default: redirect). */
  idpSsoBinding?: 'redirect' | 'post';
  /** IdP signing certificates (PEM or base64 DER); several during a rollover. */
  idpCerts: string[];
  /** Accept RSA-SHA1 / SHA-1 digests from this IdP. Off by default. */
  allowSha1?: boolean;
  /** Tolerance for NotBefore / NotOnOrAfter, in seconds (default 180). */
  clockSkewSeconds?: number;
  /** Accept responses without InResponseTo (IdP-initiated sign-in). Off by default. */
  allowIdpInitiated?: boolean;
  /**
   * Require a signature on the Assertion itself. When false (default) the assertion must still be
   * covered by a verified signature: its own or the Response's.
   */
  wantAssertionsSigned?: boolean;
  /** Require a signature on the Response element (default false). */
  wantResponseSigned?: boolean;
  /**
   * Accept an assertion without any AudienceRestriction (legacy IdPs only). Destination and
   * Recipient are still checked. Off by default: the Web SSO profile requires an audience.
   */
  allowMissingAudience?: boolean;
  /** SP key (PEM): decrypts EncryptedAssertion and signs AuthnRequests. */
  spPrivateKey?: string;
  /** SP certificate (PEM) published in SP metadata for signing and encryption. */
  spCert?: string;
  /** Sign AuthnRequests (the IdP's WantAuthnRequestsSigned). Needs spPrivateKey. */
  signAuthnRequests?: boolean;
  /** NameIDPolicy Format requested in AuthnRequests (default unspecified). */
  nameIdFormat?: string;
  attributeMapping?: AttributeMapping;
}

export interface SamlValidationDeps {
  now(): Date;
  /** Records a one-time key; true the first time, false if it was already claimed. */
  replay: { claim(namespace: string, key: string, expiresAt: Date): Promise<boolean> };
  /** Consumes an AuthnRequest id issued by `buildAuthnRequest` (single use). */
  requests: { take(id: string): Promise<{ connectionId: string } | null> };
}

export interface SamlResponseInput {
  /** The `SAMLResponse` form field (base64, HTTP-POST binding). */
  samlResponse: string;
  relayState?: string;
}

export interface SamlIdentity {
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  groups: string[];
  /** Every attribute of the verified assertion, by Name. */
  attributes: Record<string, string[]>;
  assertionId: string;
  issuer: string;
  /** Null for IdP-initiated sign-in. */
  inResponseTo: string | null;
}

/** Stable codes for sign-in traces (R19): which check refused the response. */
export type SamlValidationStep =
  | 'config'
  | 'xml'
  | 'signature'
  | 'status'
  | 'issuer'
  | 'destination'
  | 'assertion'
  | 'decryption'
  | 'subject'
  | 'recipient'
  | 'audience'
  | 'time'
  | 'in_response_to'
  | 'attributes'
  | 'replay';

export type SamlValidationResult = { ok: true; identity: SamlIdentity } | { ok: false; step: SamlValidationStep; reason: string };

export class SamlValidationError extends Error {
  constructor(
    readonly step: SamlValidationStep,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'SamlValidationError';
  }
}

/** Throws a refusal; the orchestrator turns it into `{ ok: false, step, reason }`. */
export function refuse(step: SamlValidationStep, reason: string): never {
  throw new SamlValidationError(step, reason);
}

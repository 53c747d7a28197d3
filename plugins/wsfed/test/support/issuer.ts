import saml from 'saml';
import { SignedXml } from 'xml-crypto';
import { CLAIM, type WsFedConnection } from '../../src/protocol/index.js';
import { KEYS, certBody, type KeyPair } from './keys.js';

/**
 * An in-process WS-Fed token issuer shaped like ADFS: SAML 1.1 / 2.0 assertions minted by the `saml`
 * package (the library Auth0's WS-Fed IdP uses) and wrapped in a WS-Trust RSTR.
 */
export const CONTOSO = {
  issuer: 'http://adfs.contoso.test/adfs/services/trust',
  signInUrl: 'https://adfs.contoso.test/adfs/ls/',
} as const;
export const FABRIKAM = {
  issuer: 'http://adfs.fabrikam.test/adfs/services/trust',
  signInUrl: 'https://adfs.fabrikam.test/adfs/ls/',
} as const;

export const TEAM_A = { realm: 'urn:roster:team-a', replyUrl: 'https://roster.test/auth/wsfed/conn-a/callback' } as const;
export const TEAM_B = { realm: 'urn:roster:team-b', replyUrl: 'https://roster.test/auth/wsfed/conn-b/callback' } as const;

export const ALICE = {
  [CLAIM.email]: 'alice@contoso.test',
  [CLAIM.givenName]: 'Alice',
  [CLAIM.surname]: 'Liddell',
  [CLAIM.upn]: 'alice@corp.contoso.test',
  [CLAIM.groups]: ['Sales', 'Managers'],
  [CLAIM.role]: 'RosterAdmins',
};

export interface MintOptions {
  version?: '1.1' | '2.0';
  keys?: KeyPair;
  issuer?: string;
  /** `null` mints an assertion without AudienceRestriction. */
  audiences?: string | string[] | null;
  nameId?: string;
  attributes?: Record<string, string | string[]>;
  /** `null` mints an assertion without NotBefore / NotOnOrAfter. */
  lifetimeSeconds?: number | null;
  sha1?: boolean;
  recipient?: string;
  uid?: string;
}

export function mintAssertion(options: MintOptions = {}): string {
  const keys = options.keys ?? KEYS.idp;
  const audiences = options.audiences === undefined ? TEAM_A.realm : options.audiences;
  const lifetime = options.lifetimeSeconds === undefined ? 3600 : options.lifetimeSeconds;
  const common = {
    key: keys.key,
    cert: keys.cert,
    issuer: options.issuer ?? CONTOSO.issuer,
    nameIdentifier: options.nameId ?? 'alice@contoso.test',
    nameIdentifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    attributes: options.attributes ?? ALICE,
    ...(audiences === null ? {} : { audiences }),
    ...(lifetime === null ? {} : { lifetimeInSeconds: lifetime }),
    ...(options.sha1 ? { signatureAlgorithm: 'rsa-sha1' as const, digestAlgorithm: 'sha1' as const } : {}),
    ...(options.recipient === undefined ? {} : { recipient: options.recipient }),
    ...(options.uid === undefined ? {} : { uid: options.uid }),
  };
  return (options.version ?? '1.1') === '1.1' ? saml.Saml11.create(common) : saml.Saml20.create(common);
}

export interface RstrOptions {
  trust?: '2005' | '1.3';
  /** `null` leaves AppliesTo out. */
  appliesTo?: string | null;
  /** `null` leaves Lifetime out. */
  lifetime?: { created: Date; expires: Date } | null;
  tokenType?: string;
}

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

export function wrapRstr(assertion: string, version: '1.1' | '2.0', options: RstrOptions = {}): string {
  const trust = options.trust ?? (version === '1.1' ? '2005' : '1.3');
  const ns = trust === '2005' ? 'http://schemas.xmlsoap.org/ws/2005/02/trust' : 'http://docs.oasis-open.org/ws-sx/ws-trust/200512';
  const now = new Date();
  const lifetime = options.lifetime === undefined ? { created: now, expires: new Date(now.getTime() + 3600_000) } : options.lifetime;
  const appliesTo = options.appliesTo === undefined ? TEAM_A.realm : options.appliesTo;
  const tokenType =
    options.tokenType ?? (version === '1.1' ? 'urn:oasis:names:tc:SAML:1.0:assertion' : 'urn:oasis:names:tc:SAML:2.0:assertion');
  const parts = [
    lifetime === null
      ? ''
      : `<t:Lifetime><wsu:Created xmlns:wsu="${WSU}">${lifetime.created.toISOString()}</wsu:Created><wsu:Expires xmlns:wsu="${WSU}">${lifetime.expires.toISOString()}</wsu:Expires></t:Lifetime>`,
    appliesTo === null
      ? ''
      : `<wsp:AppliesTo xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>${appliesTo}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>`,
    `<t:RequestedSecurityToken>${assertion}</t:RequestedSecurityToken>`,
    `<t:TokenType>${tokenType}</t:TokenType>`,
    `<t:RequestType>${ns}/Issue</t:RequestType>`,
    `<t:KeyType>${trust === '2005' ? 'http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey' : `${ns}/Bearer`}</t:KeyType>`,
  ].join('');
  const rstr = `<t:RequestSecurityTokenResponse xmlns:t="${ns}">${parts}</t:RequestSecurityTokenResponse>`;
  // Entra ID and ADFS on WS-Trust 1.3 send a collection around the single response.
  return trust === '2005'
    ? rstr
    : `<t:RequestSecurityTokenResponseCollection xmlns:t="${ns}">${rstr}</t:RequestSecurityTokenResponseCollection>`;
}

/** A complete `wresult` as an IdP would post it. */
export function mintWresult(options: MintOptions & RstrOptions = {}): string {
  const version = options.version ?? '1.1';
  return wrapRstr(mintAssertion(options), version, options);
}

export function connection(overrides: Partial<WsFedConnection> = {}): WsFedConnection {
  return {
    id: 'conn-a',
    teamId: 'team-a',
    idpSignInUrl: CONTOSO.signInUrl,
    idpIssuer: CONTOSO.issuer,
    realm: TEAM_A.realm,
    replyUrl: TEAM_A.replyUrl,
    signingCertificates: [KEYS.idp.cert],
    claimMapping: 'adfs',
    ...overrides,
  };
}

/**
 * Signs an arbitrary (hand-crafted) assertion with xml-crypto 6 the way ADFS does, for shapes the
 * `saml` package cannot produce. The signature goes after the Issuer (SAML 2.0) or at the end (1.1).
 */
export function signAssertion(xml: string, options: { keys?: KeyPair; version: '1.1' | '2.0' }): string {
  const keys = options.keys ?? KEYS.idp;
  const signer = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    ...(options.version === '1.1' ? { idAttribute: 'AssertionID' } : {}),
    getKeyInfoContent: () => `<X509Data><X509Certificate>${certBody(keys.cert)}</X509Certificate></X509Data>`,
  });
  signer.addReference({
    xpath: "/*[local-name(.)='Assertion']",
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, {
    location:
      options.version === '2.0'
        ? { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' }
        : { reference: "/*[local-name(.)='Assertion']", action: 'append' },
  });
  return signer.getSignedXml();
}

import type { Element } from '@xmldom/xmldom';
import { certificateInfo, parseXmlSafely, toPem, verifyElementSignature, XmlSecurityError } from '@roster/xml-security';
import { AmbiguousElementError, NS, childElements, parseDateTime, singleChild, textOf } from './xml.js';

/** What a WS-Fed connection takes from an ADFS or Entra ID `FederationMetadata.xml`. */
export interface FederationMetadata {
  entityId: string;
  passiveRequestorEndpoint: string;
  signingCertificates: SigningCertificate[];
  claimTypesOffered: string[];
  /** True when the document's signature was verified against `trustedCerts`. */
  signatureVerified: boolean;
  validUntil?: Date;
}

export interface SigningCertificate {
  /** PEM text, ready for `WsFedConnection.signingCertificates`. */
  pem: string;
  fingerprintSha256: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** Relative to the `now` of the import, for "expires soon" warnings in the admin UI. */
  expired: boolean;
  daysUntilExpiry: number;
}

export type MetadataErrorCode = 'METADATA_XML' | 'METADATA_NOT_WSFED' | 'METADATA_INVALID' | 'METADATA_SIGNATURE' | 'METADATA_EXPIRED';

export class WsFedMetadataError extends Error {
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WsFedMetadataError';
  }
}

export interface ImportMetadataOptions {
  /**
   * Require the metadata to be signed by one of these certificates. Scheduled refreshes pass the
   * connection's current certificates, so a tampered document cannot swap in an attacker's key;
   * ADFS and Entra add a new certificate as secondary before signing with it, so rollover still works.
   */
  trustedCerts?: string[];
  allowSha1?: boolean;
  /** Allow an http:// passive endpoint (local test issuers only). */
  allowInsecureEndpoint?: boolean;
  now?: Date;
}

const STS_ROLE = 'SecurityTokenServiceType';
const DAY_MS = 24 * 60 * 60 * 1000;

export function importFederationMetadata(xml: string, options: ImportMetadataOptions = {}): FederationMetadata {
  const now = options.now ?? new Date();
  let doc;
  try {
    doc = parseXmlSafely(xml);
  } catch (error) {
    throw new WsFedMetadataError('METADATA_XML', error instanceof Error ? error.message : String(error));
  }
  const entity = doc.documentElement;
  if (!entity || entity.namespaceURI !== NS.metadata || entity.localName !== 'EntityDescriptor') {
    throw new WsFedMetadataError('METADATA_NOT_WSFED', 'metadata root is not a SAML 2.0 EntityDescriptor');
  }

  let signatureVerified = false;
  if (options.trustedCerts !== undefined) {
    try {
      verifyElementSignature(doc, entity, { trustedCerts: options.trustedCerts, allowSha1: options.allowSha1 === true });
      signatureVerified = true;
    } catch (error) {
      const detail = error instanceof XmlSecurityError ? `${error.code}: ${error.message}` : String(error);
      throw new WsFedMetadataError('METADATA_SIGNATURE', `metadata signature not trusted (${detail})`);
    }
  }

  const entityId = entity.getAttribute('entityID')?.trim();
  if (!entityId) throw new WsFedMetadataError('METADATA_INVALID', 'EntityDescriptor has no entityID');
  const validUntil = parseDateTime(entity.getAttribute('validUntil'));
  if (validUntil === 'invalid') throw new WsFedMetadataError('METADATA_INVALID', 'validUntil is not a valid timestamp');
  if (validUntil !== undefined && validUntil.getTime() <= now.getTime()) {
    throw new WsFedMetadataError('METADATA_EXPIRED', `metadata expired at ${validUntil.toISOString()}`);
  }

  const roles = childElements(entity, NS.metadata, 'RoleDescriptor').filter(isStsRole);
  if (roles.length === 0) {
    throw new WsFedMetadataError(
      'METADATA_NOT_WSFED',
      'metadata has no WS-Federation SecurityTokenServiceType role (is this SAML-only metadata?)',
    );
  }

  try {
    const passiveRequestorEndpoint = roles.map(passiveEndpoint).find((e) => e !== undefined);
    if (passiveRequestorEndpoint === undefined) throw new WsFedMetadataError('METADATA_INVALID', 'no PassiveRequestorEndpoint');
    checkEndpoint(passiveRequestorEndpoint, options.allowInsecureEndpoint === true);

    const byFingerprint = new Map<string, SigningCertificate>();
    for (const role of roles) {
      for (const base64 of signingCertificates(role)) {
        const cert = describeCertificate(base64, now);
        byFingerprint.set(cert.fingerprintSha256, cert);
      }
    }
    if (byFingerprint.size === 0) throw new WsFedMetadataError('METADATA_INVALID', 'no signing certificate in the STS role');

    const claimTypesOffered = roles.flatMap((role) => {
      const offered = singleChild(role, NS.fed, 'ClaimTypesOffered');
      return offered
        ? childElements(offered, 'http://docs.oasis-open.org/wsfed/authorization/200706', 'ClaimType').map(
            (c) => c.getAttribute('Uri') ?? '',
          )
        : [];
    });

    return {
      entityId,
      passiveRequestorEndpoint,
      signingCertificates: [...byFingerprint.values()],
      claimTypesOffered: [...new Set(claimTypesOffered.filter((c) => c !== ''))],
      signatureVerified,
      ...(validUntil === undefined ? {} : { validUntil }),
    };
  } catch (error) {
    if (error instanceof AmbiguousElementError) throw new WsFedMetadataError('METADATA_INVALID', `metadata has ${error.message}`);
    throw error;
  }
}

/** The IdP side of a connection as imported; the caller adds id, team, realm and reply URL. */
export function connectionSettingsFromMetadata(metadata: FederationMetadata): {
  idpIssuer: string;
  idpSignInUrl: string;
  signingCertificates: string[];
} {
  return {
    idpIssuer: metadata.entityId,
    idpSignInUrl: metadata.passiveRequestorEndpoint,
    signingCertificates: metadata.signingCertificates.map((c) => c.pem),
  };
}

/** Certificate details for the admin (expiry shown through GraphQL, R18). */
export function describeCertificate(certificate: string, now: Date = new Date()): SigningCertificate {
  let info;
  let pem: string;
  try {
    pem = toPem(certificate);
    info = certificateInfo(pem);
  } catch (error) {
    throw new WsFedMetadataError('METADATA_INVALID', `unreadable certificate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    pem,
    fingerprintSha256: info.fingerprintSha256,
    subject: info.subject,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    expired: info.notAfter.getTime() <= now.getTime(),
    daysUntilExpiry: Math.floor((info.notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}

/** `xsi:type="fed:SecurityTokenServiceType"`: the prefix is resolved, since any prefix may be bound to the fed namespace. */
function isStsRole(role: Element): boolean {
  const type = role.getAttributeNS(NS.xsi, 'type');
  if (!type) return false;
  const [prefix, local] = type.includes(':') ? type.split(':', 2) : [null, type];
  return local === STS_ROLE && role.lookupNamespaceURI(prefix ?? null) === NS.fed;
}

function passiveEndpoint(role: Element): string | undefined {
  for (const endpoint of childElements(role, NS.fed, 'PassiveRequestorEndpoint')) {
    const reference = singleChild(endpoint, [NS.addressing, NS.addressing2004], 'EndpointReference');
    const address = reference ? textOf(singleChild(reference, [NS.addressing, NS.addressing2004], 'Address')) : undefined;
    if (address !== undefined) return address;
  }
  return undefined;
}

function signingCertificates(role: Element): string[] {
  const out: string[] = [];
  for (const descriptor of childElements(role, NS.metadata, 'KeyDescriptor')) {
    const use = descriptor.getAttribute('use');
    // No `use` means the key serves both purposes (SAML metadata spec); `encryption` keys never sign.
    if (use && use !== 'signing') continue;
    for (const keyInfo of childElements(descriptor, NS.dsig, 'KeyInfo')) {
      for (const data of childElements(keyInfo, NS.dsig, 'X509Data')) {
        for (const cert of childElements(data, NS.dsig, 'X509Certificate')) {
          const text = textOf(cert);
          if (text !== undefined) out.push(text);
        }
      }
    }
  }
  return out;
}

function checkEndpoint(endpoint: string, allowHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new WsFedMetadataError('METADATA_INVALID', `PassiveRequestorEndpoint is not an absolute URL: ${endpoint}`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new WsFedMetadataError('METADATA_INVALID', `PassiveRequestorEndpoint must use https: ${endpoint}`);
  }
}

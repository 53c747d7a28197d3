import { BINDINGS, NAMEID_FORMATS, SAML_NS } from './constants.js';
import { escapeXml } from './escape.js';
import { certificateInfo, childElements, descendants, parseXmlSafely, toPem, XmlSecurityError, type Element } from './xml.js';
import type { SamlConnectionConfig } from './types.js';

export interface SamlEndpoint {
  binding: string;
  location: string;
}

export interface IdpMetadata {
  entityId: string;
  ssoServices: SamlEndpoint[];
  sloServices: SamlEndpoint[];
  /** Signing certificates as PEM (KeyDescriptor use="signing" or without `use`). */
  signingCerts: string[];
  wantAuthnRequestsSigned: boolean;
  nameIdFormats: string[];
  validUntil: Date | null;
}

export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataError';
  }
}

/**
 * Reads IdP metadata pasted or fetched by an admin (R18). Parsed with the same DTD-free parser as
 * responses: metadata URLs are attacker-reachable too. `entityId` picks one IdP from an aggregate.
 */
export function parseIdpMetadata(xml: string, options: { entityId?: string } = {}): IdpMetadata {
  let root: Element;
  try {
    root = parseXmlSafely(xml).documentElement as Element;
  } catch (error) {
    throw new MetadataError(`metadata is not acceptable XML: ${error instanceof XmlSecurityError ? error.message : String(error)}`);
  }
  if (root.namespaceURI !== SAML_NS.metadata) throw new MetadataError('not SAML 2.0 metadata (wrong namespace)');
  const entities = root.localName === 'EntityDescriptor' ? [root] : descendants(root, SAML_NS.metadata, 'EntityDescriptor');
  const idps = entities.filter(
    (entity) => idpDescriptor(entity) !== undefined && (!options.entityId || entity.getAttribute('entityID') === options.entityId),
  );
  if (idps.length === 0) throw new MetadataError('metadata describes no SAML 2.0 identity provider');
  if (idps.length > 1) throw new MetadataError(`metadata describes ${idps.length} identity providers; choose one by entity id`);
  const entity = idps[0] as Element;
  const descriptor = idpDescriptor(entity) as Element;
  const entityId = entity.getAttribute('entityID') ?? '';
  if (entityId === '') throw new MetadataError('EntityDescriptor has no entityID');

  const signingCerts: string[] = [];
  for (const keyDescriptor of childElements(descriptor, SAML_NS.metadata, 'KeyDescriptor')) {
    const use = keyDescriptor.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const certElement of descendants(keyDescriptor, SAML_NS.ds, 'X509Certificate')) {
      const pem = toPem((certElement.textContent ?? '').replace(/\s+/g, ''));
      certificateInfo(pem); // refuses a certificate that cannot be read
      if (!signingCerts.includes(pem)) signingCerts.push(pem);
    }
  }
  if (signingCerts.length === 0) throw new MetadataError('IdP metadata has no signing certificate');

  const ssoServices = endpoints(descriptor, 'SingleSignOnService');
  if (!ssoServices.some((s) => s.binding === BINDINGS.redirect || s.binding === BINDINGS.post)) {
    throw new MetadataError('IdP metadata has no HTTP-Redirect or HTTP-POST SingleSignOnService');
  }
  const validUntilRaw = entity.getAttribute('validUntil') || root.getAttribute('validUntil');
  const validUntil = validUntilRaw ? new Date(validUntilRaw) : null;
  return {
    entityId,
    ssoServices,
    sloServices: endpoints(descriptor, 'SingleLogoutService'),
    signingCerts,
    wantAuthnRequestsSigned: descriptor.getAttribute('WantAuthnRequestsSigned') === 'true',
    nameIdFormats: childElements(descriptor, SAML_NS.metadata, 'NameIDFormat').map((e) => (e.textContent ?? '').trim()),
    validUntil: validUntil && !Number.isNaN(validUntil.getTime()) ? validUntil : null,
  };
}

function idpDescriptor(entity: Element): Element | undefined {
  return childElements(entity, SAML_NS.metadata, 'IDPSSODescriptor').find((d) =>
    (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML_NS.protocol),
  );
}

function endpoints(descriptor: Element, localName: string): SamlEndpoint[] {
  return childElements(descriptor, SAML_NS.metadata, localName)
    .map((e) => ({ binding: e.getAttribute('Binding') ?? '', location: e.getAttribute('Location') ?? '' }))
    .filter((e) => e.binding !== '' && /^https?:\/\//i.test(e.location));
}

/** The SSO endpoint to use: Redirect preferred (no form page needed), POST otherwise. */
export function preferredSsoService(metadata: IdpMetadata): { binding: 'redirect' | 'post'; location: string } {
  const redirect = metadata.ssoServices.find((s) => s.binding === BINDINGS.redirect);
  if (redirect) return { binding: 'redirect', location: redirect.location };
  const post = metadata.ssoServices.find((s) => s.binding === BINDINGS.post);
  if (post) return { binding: 'post', location: post.location };
  throw new MetadataError('IdP metadata has no usable SingleSignOnService');
}

function certBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** SP metadata an admin pastes into the IdP (R18): entity id, ACS, certificates. */
export function buildSpMetadata(config: SamlConnectionConfig, options: { sloUrl?: string } = {}): string {
  const keyDescriptors = config.spCert
    ? ['signing', 'encryption']
        .map(
          (use) =>
            `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(config.spCert as string)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
        )
        .join('')
    : '';
  const slo = options.sloUrl ? `<md:SingleLogoutService Binding="${BINDINGS.redirect}" Location="${escapeXml(options.sloUrl)}"/>` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="${SAML_NS.metadata}" xmlns:ds="${SAML_NS.ds}" entityID="${escapeXml(config.spEntityId)}">`,
    `<md:SPSSODescriptor AuthnRequestsSigned="${config.signAuthnRequests === true}" WantAssertionsSigned="true"`,
    ` protocolSupportEnumeration="${SAML_NS.protocol}">`,
    keyDescriptors,
    slo,
    `<md:NameIDFormat>${escapeXml(config.nameIdFormat ?? NAMEID_FORMATS.emailAddress)}</md:NameIDFormat>`,
    `<md:AssertionConsumerService Binding="${BINDINGS.post}" Location="${escapeXml(config.acsUrl)}" index="0" isDefault="true"/>`,
    '</md:SPSSODescriptor></md:EntityDescriptor>',
  ].join('');
}

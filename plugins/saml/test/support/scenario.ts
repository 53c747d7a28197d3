import type { SamlConnectionConfig } from '../../src/protocol/index.js';
import { IDP, SP, type ResponseSpec } from './idp.js';
import { memoryDeps, type MemoryDeps } from './deps.js';

export const NOW = new Date('2026-11-23T12:00:00Z');
export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** Connection of team A; `connectionB` is another team's connection on the very same IdP. */
export function connectionA(overrides: Partial<SamlConnectionConfig> = {}): SamlConnectionConfig {
  return {
    id: 'conn-a',
    teamId: 'team-a',
    spEntityId: 'https://roster.test/saml/conn-a/metadata',
    acsUrl: 'https://roster.test/saml/conn-a/acs',
    idpEntityId: 'https://idp.test/entity',
    idpSsoUrl: 'https://idp.test/sso',
    idpCerts: [IDP.cert],
    spPrivateKey: SP.key,
    spCert: SP.cert,
    attributeMapping: { preset: 'okta' },
    ...overrides,
  };
}

export function connectionB(overrides: Partial<SamlConnectionConfig> = {}): SamlConnectionConfig {
  return connectionA({
    id: 'conn-b',
    teamId: 'team-b',
    spEntityId: 'https://roster.test/saml/conn-b/metadata',
    acsUrl: 'https://roster.test/saml/conn-b/acs',
    ...overrides,
  });
}

let counter = 0;

/** A response exactly right for `config`, answering request `requestId`. */
export function specFor(config: SamlConnectionConfig, overrides: Partial<ResponseSpec> = {}): ResponseSpec {
  counter++;
  return {
    responseId: `_resp${counter}`,
    assertionId: `_assert${counter}`,
    responseIssuer: config.idpEntityId,
    issuer: config.idpEntityId,
    destination: config.acsUrl,
    recipient: config.acsUrl,
    audience: config.spEntityId,
    inResponseTo: '_req1',
    nameId: 'ada@example.com',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    issueInstant: new Date(NOW.getTime() - 5_000),
    notBefore: new Date(NOW.getTime() - 60_000),
    notOnOrAfter: new Date(NOW.getTime() + 5 * 60_000),
    sessionIndex: `_session${counter}`,
    attributes: { email: ['ada@example.com'], firstName: ['Ada'], lastName: ['Lovelace'], groups: ['Engineering', 'Admins'] },
    status: STATUS_SUCCESS,
    ...overrides,
  };
}

/** Deps with request `_req1` pending for `config`. */
export function depsFor(config: SamlConnectionConfig, now: Date = NOW): MemoryDeps {
  return memoryDeps(now, { _req1: config.id });
}

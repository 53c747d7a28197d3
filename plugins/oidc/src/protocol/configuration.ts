/**
 * Builds an openid-client Configuration for one connection and one sign-in attempt.
 *
 * A fresh Configuration per attempt is cheap (documents come from DiscoveryCache) and keeps
 * openid-client's own per-Configuration JWKS memo out of the way of key rotation.
 */
import { importJWK, type JWK } from 'jose';
import * as client from 'openid-client';
import type { DiscoveryCache } from './discovery.js';
import type { OidcConnection, PrivateJwk } from './types.js';

/** The connection itself is unusable (missing secret, bad key, bad URL): an admin must fix it. */
export class ConnectionConfigError extends Error {
  override name = 'ConnectionConfigError';
}

export interface ConfigurationOptions {
  /** Seconds of clock difference tolerated on exp / iat / nbf. Default 30. */
  clockToleranceSeconds?: number;
  /**
   * Operator switch (development and test servers only): without it, a connection's
   * `allowInsecureRequests` is ignored, so an admin cannot point production at plain http.
   */
  allowInsecureIssuers?: boolean;
}

function defaultAlg(jwk: PrivateJwk): string {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP') return 'Ed25519';
  if (jwk.kty === 'EC') return jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
  throw new ConnectionConfigError(`private_key_jwt needs an RSA, EC or OKP key, not kty "${jwk.kty}"`);
}

async function clientAuth(conn: OidcConnection): Promise<client.ClientAuth> {
  switch (conn.tokenEndpointAuthMethod) {
    case 'client_secret_basic':
    case 'client_secret_post': {
      if (!conn.clientSecret) throw new ConnectionConfigError(`${conn.tokenEndpointAuthMethod} needs a client secret`);
      return conn.tokenEndpointAuthMethod === 'client_secret_basic'
        ? client.ClientSecretBasic(conn.clientSecret)
        : client.ClientSecretPost(conn.clientSecret);
    }
    case 'private_key_jwt': {
      const jwk = conn.privateKeyJwk;
      if (!jwk) throw new ConnectionConfigError('private_key_jwt needs a private key (JWK)');
      if (!('d' in jwk)) throw new ConnectionConfigError('the private_key_jwt key is a public key');
      let key: Awaited<ReturnType<typeof importJWK>>;
      try {
        key = await importJWK(jwk as JWK, defaultAlg(jwk));
      } catch (error) {
        throw new ConnectionConfigError(
          `the private_key_jwt key cannot be imported: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (key instanceof Uint8Array) throw new ConnectionConfigError('private_key_jwt needs an asymmetric key');
      return client.PrivateKeyJwt({ key, kid: jwk.kid });
    }
    default:
      throw new ConnectionConfigError(`unknown token endpoint auth method "${String(conn.tokenEndpointAuthMethod)}"`);
  }
}

export function issuerUrl(conn: Pick<OidcConnection, 'issuer'>): URL {
  let url: URL;
  try {
    url = new URL(conn.issuer);
  } catch {
    throw new ConnectionConfigError(`issuer "${conn.issuer}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectionConfigError('issuer must be an https URL');
  if (url.search || url.hash) throw new ConnectionConfigError('issuer must not carry a query or fragment');
  return url;
}

/** openid-client sends the callback URL without its query as redirect_uri, so none is allowed. */
export function checkRedirectUri(redirectUri: string): void {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new ConnectionConfigError(`redirect URI "${redirectUri}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectionConfigError('redirect URI must be an http(s) URL');
  if (url.search || url.hash) throw new ConnectionConfigError('redirect URI must not carry a query or fragment');
}

/** HTTP is only for test issuers: the operator allows it and the connection asks for it. */
export function insecureAllowed(
  conn: Pick<OidcConnection, 'issuer' | 'allowInsecureRequests'>,
  options: ConfigurationOptions = {},
): boolean {
  return options.allowInsecureIssuers === true && conn.allowInsecureRequests === true && issuerUrl(conn).protocol === 'http:';
}

export async function openConfiguration(
  conn: OidcConnection,
  cache: DiscoveryCache,
  fetchForAttempt: client.CustomFetch,
  options: ConfigurationOptions = {},
): Promise<client.Configuration> {
  const server = issuerUrl(conn);
  checkRedirectUri(conn.redirectUri);
  const auth = await clientAuth(conn);
  const execute: Array<(config: client.Configuration) => void> = [
    // Without this openid-client trusts ID tokens from the token endpoint on TLS alone
    // (OIDC Core 3.1.3.7 allows it); Roster verifies every signature against the JWKS.
    client.enableNonRepudiationChecks,
  ];
  if (insecureAllowed(conn, options)) execute.push(client.allowInsecureRequests);
  return client.discovery(
    server,
    conn.clientId,
    {
      redirect_uris: [conn.redirectUri],
      [client.clockTolerance]: options.clockToleranceSeconds ?? 30,
    },
    auth,
    { [client.customFetch]: fetchForAttempt, execute, timeout: cache.timeoutSeconds },
  );
}

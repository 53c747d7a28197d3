/**
 * A small, deliberately misbehaving OpenID Provider (node:http + jose): discovery, JWKS, token
 * and userinfo endpoints whose ID tokens are crafted per test. It advertises `none` and HS256
 * so that refusing them is the relying party's own doing. There is no authorization endpoint:
 * `respond()` reads the authorization URL and returns the callback a browser would bring back.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
export type KeyName = 'a' | 'b';

export interface Scenario {
  /** Claims merged over the defaults; a value of `undefined` removes the claim. */
  claims?: Record<string, unknown>;
  /** Header members merged over `{ alg: 'RS256', kid }`; `kid: undefined` removes the kid. */
  header?: Record<string, unknown>;
  signing?: 'good' | 'none' | 'hmac-public-key' | 'unpublished-key' | 'tampered';
  signWith?: KeyName;
  /** Userinfo response body (default: the ID token's sub and email). */
  userinfo?: Record<string, unknown>;
  tokenError?: { status: number; body: Record<string, unknown> };
}

export interface RogueOptions {
  /** Public issuer (default `http://127.0.0.1:{port}`); routed to this server by `routeFetch`. */
  issuer?: string;
  /** Issuer named by the discovery document (default: `issuer`). */
  metadataIssuer?: string;
  /** Keys published in the JWKS. */
  publish?: KeyName[];
  /** Publish kids in the JWKS (false: keys without kid). */
  publishKids?: boolean;
  /** Discovery answers this HTTP status instead of the document. */
  discoveryStatus?: number;
  /** Advertise (and send) the RFC 9207 `iss` authorization response parameter. */
  issParameter?: boolean;
}

const b64u = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class RogueOp {
  readonly hits = new Map<string, number>();
  private readonly codes = new Map<
    string,
    { scenario: Scenario; nonce: string | null; clientId: string; challenge: string | null; idToken?: string }
  >();
  private constructor(
    private readonly server: Server,
    readonly base: string,
    readonly options: Required<Omit<RogueOptions, 'discoveryStatus'>> & { discoveryStatus?: number },
    private readonly keys: Record<KeyName | 'c', KeyPair>,
  ) {}

  static async start(options: RogueOptions = {}): Promise<RogueOp> {
    const keys = { a: await generateKeyPair('RS256'), b: await generateKeyPair('RS256'), c: await generateKeyPair('RS256') };
    // eslint-disable-next-line prefer-const -- assigned once the server that closes over it exists
    let op: RogueOp | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void (op as RogueOp)
          .handle(
            req.method ?? 'GET',
            new URL(req.url ?? '/', 'http://x').pathname,
            req.headers.authorization,
            Buffer.concat(chunks).toString(),
          )
          .then(({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)))
          .catch((error: unknown) => res.writeHead(500).end(String(error)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const issuer = options.issuer ?? base;
    op = new RogueOp(
      server,
      base,
      {
        issuer,
        metadataIssuer: options.metadataIssuer ?? issuer,
        publish: options.publish ?? ['a'],
        publishKids: options.publishKids ?? true,
        issParameter: options.issParameter ?? false,
        discoveryStatus: options.discoveryStatus,
      },
      keys,
    );
    return op;
  }

  get issuer(): string {
    return this.options.issuer;
  }

  /** A fetch that sends requests for the public issuer's origin to this server. */
  routeFetch(): typeof fetch {
    const publicOrigin = new URL(this.options.issuer).origin;
    return (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin === publicOrigin) return fetch(`${this.base}${url.pathname}${url.search}`, init);
      return fetch(input, init);
    };
  }

  /** Plays the browser's round trip: returns the callback URL for this authorization request. */
  respond(authorizationUrl: URL, scenario: Scenario = {}, overrides: { state?: string | null; iss?: string | null } = {}): URL {
    const params = authorizationUrl.searchParams;
    const code = randomUUID();
    this.codes.set(code, {
      scenario,
      nonce: params.get('nonce'),
      clientId: String(params.get('client_id')),
      challenge: params.get('code_challenge'),
    });
    const callback = new URL(String(params.get('redirect_uri')));
    callback.searchParams.set('code', code);
    const state = overrides.state === undefined ? params.get('state') : overrides.state;
    if (state !== null) callback.searchParams.set('state', state);
    const iss = overrides.iss === undefined ? (this.options.issParameter ? this.options.issuer : null) : overrides.iss;
    if (iss !== null) callback.searchParams.set('iss', iss);
    return callback;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    method: string,
    path: string,
    authorization: string | undefined,
    body: string,
  ): Promise<{ status: number; body: unknown }> {
    const endpoint = path.slice(path.lastIndexOf('/') + 1);
    this.hits.set(endpoint, (this.hits.get(endpoint) ?? 0) + 1);
    const issuer = this.options.issuer;
    if (path.endsWith('/.well-known/openid-configuration')) {
      if (this.options.discoveryStatus) return { status: this.options.discoveryStatus, body: { error: 'unavailable' } };
      return {
        status: 200,
        body: {
          issuer: this.options.metadataIssuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256', 'none', 'HS256'],
          ...(this.options.issParameter ? { authorization_response_iss_parameter_supported: true } : {}),
        },
      };
    }
    if (endpoint === 'jwks') {
      const keys: JWK[] = [];
      for (const name of this.options.publish) {
        const jwk = await exportJWK(this.keys[name].publicKey);
        keys.push({ ...jwk, use: 'sig', ...(this.options.publishKids ? { kid: `key-${name}` } : {}) });
      }
      return { status: 200, body: { keys } };
    }
    if (endpoint === 'token' && method === 'POST') return this.token(new URLSearchParams(body));
    if (endpoint === 'userinfo') {
      const grant = this.codes.get(authorization?.replace(/^Bearer /i, '') ?? '');
      if (!grant?.idToken) return { status: 401, body: { error: 'invalid_token' } };
      const claims = JSON.parse(Buffer.from(grant.idToken.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      return { status: 200, body: grant.scenario.userinfo ?? { sub: claims.sub, email: claims.email } };
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  private async token(form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    if (!grant) return { status: 400, body: { error: 'invalid_grant' } };
    const verifier = form.get('code_verifier') ?? '';
    if (grant.challenge !== createHash('sha256').update(verifier).digest('base64url'))
      return { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE' } };
    if (grant.scenario.tokenError) return grant.scenario.tokenError;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.options.issuer,
      aud: grant.clientId,
      sub: 'user-1',
      nonce: grant.nonce,
      iat: now,
      exp: now + 300,
      email: 'user@example.com',
      email_verified: true,
      name: 'Rogue User',
      ...grant.scenario.claims,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined || value === null) delete claims[name];
    grant.idToken = await this.sign(grant.scenario, claims);
    return { status: 200, body: { access_token: code, token_type: 'Bearer', expires_in: 300, id_token: grant.idToken } };
  }

  private async sign(scenario: Scenario, claims: Record<string, unknown>): Promise<string> {
    const name = scenario.signWith ?? 'a';
    const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: `key-${name}`, ...scenario.header };
    if (header.kid === undefined) delete header.kid;
    const jws = (key: Parameters<SignJWT['sign']>[0], h = header) =>
      new SignJWT(claims).setProtectedHeader({ ...h, alg: String(h.alg) }).sign(key);
    switch (scenario.signing ?? 'good') {
      case 'none':
        return `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(claims)}.`;
      case 'hmac-public-key':
        // The classic confusion attack: HS256 keyed with the provider's public key.
        return jws(new TextEncoder().encode(await exportSPKI(this.keys[name].publicKey)), { ...header, alg: 'HS256' });
      case 'unpublished-key':
        return jws(this.keys.c.privateKey);
      case 'tampered': {
        const [h, , s] = (await jws(this.keys[name].privateKey)).split('.');
        return `${h}.${b64u({ ...claims, sub: 'admin' })}.${s}`;
      }
      default:
        return jws(this.keys[name].privateKey);
    }
  }
}

/**
 * panva's oidc-provider 9 as a real OpenID Provider on 127.0.0.1. Interactions (login and
 * consent) are answered by a tiny handler: the account is the `login_hint` of the request, so
 * each test picks who signs in. Keys can be rotated while the issuer and port stay the same.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export type AccountClaims = Record<string, unknown> & { email: string };

export interface TestOp {
  issuer: string;
  /** Publishes a new signing key first (the old one stays for verification), like real IdPs. */
  rotateKeys(): Promise<string>;
  /** kid of the key currently signing ID tokens. */
  signingKid(): string;
  /** Requests seen by the provider, by path (JWKS fetches are what rotation tests count). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

async function signingKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `op-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' };
}

export async function startOp(options: {
  accounts: Record<string, AccountClaims>;
  clients: Array<Record<string, unknown>>;
  /**
   * Also accept any redirect URI under this prefix (e.g. `{roster}/oidc/`): every Roster
   * connection has its own `/oidc/:id/callback`, known only once the connection exists.
   */
  redirectUriPrefix?: string;
}): Promise<TestOp> {
  let provider: Provider | undefined;
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (!provider) return void res.writeHead(503).end();
    if (path.startsWith('/interaction/')) return void interact(provider, req, res);
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = (keys: JWK[]): Provider => {
    const op = new Provider(issuer, {
      clients: options.clients,
      jwks: { keys },
      cookies: { keys: ['roster-test-cookie-key'] },
      // Email and names in the ID token itself, as Okta, Entra and Google send them.
      conformIdTokenClaims: false,
      claims: {
        openid: ['sub', 'hd'],
        email: ['email', 'email_verified'],
        profile: ['name', 'given_name', 'family_name'],
        groups: ['groups'],
      },
      features: { devInteractions: { enabled: false } },
      // Explicit lifetimes keep oidc-provider's "default ttl" notices out of the test output.
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx: unknown, id: string) => {
        const account = options.accounts[id];
        return account ? { accountId: id, claims: async () => ({ sub: id, ...account }) } : undefined;
      },
    });
    const prefix = options.redirectUriPrefix;
    if (prefix) {
      const proto = (op as unknown as { Client: { prototype: { redirectUriAllowed(value: string): boolean } } }).Client.prototype;
      const registered = proto.redirectUriAllowed;
      proto.redirectUriAllowed = function (this: unknown, value: string) {
        return (value.startsWith(prefix) && value.endsWith('/callback')) || registered.call(this, value);
      };
    }
    return op;
  };

  let keys = [await signingKey()];
  provider = build(keys);
  return {
    issuer,
    hits,
    signingKid: () => String(keys[0]?.kid),
    async rotateKeys() {
      keys = [await signingKey(), ...keys];
      provider = build(keys);
      return String(keys[0]?.kid);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function interact(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params } = details;
    if (prompt.name === 'login') {
      const accountId = typeof params.login_hint === 'string' ? params.login_hint : '';
      if (accountId === 'nobody') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'The user cancelled the sign-in' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: String(details.session?.accountId), clientId: String(params.client_id) });
    if (!grant) throw new Error('grant not found');
    const missingScope = prompt.details.missingOIDCScope;
    if (Array.isArray(missingScope)) grant.addOIDCScope(missingScope.join(' '));
    const missingClaims = prompt.details.missingOIDCClaims;
    if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
}

/**
 * The OpenID Provider: panva's oidc-provider (certified), configured for one confidential client,
 * the demo team's connection. Discovery, JWKS, authorization code with PKCE (required, S256) and
 * the ID token are oidc-provider's own; the only code here is the login interaction, which shows
 * the sign-in page instead of asking for a password.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPrivateKey } from 'node:crypto';
import { exportJWK } from 'jose';
import Provider from 'oidc-provider';
import { keyId, type DemoIdpKeys } from './keys.js';
import { PEOPLE } from './people.js';

export const OIDC_CLIENT_ID = 'roster-demo';

export async function createOpenIdProvider(input: { issuer: string; publicUrl: string; keys: DemoIdpKeys }): Promise<Provider> {
  const jwk = await exportJWK(createPrivateKey(input.keys.privateKeyPem));
  const issuerPath = new URL(input.issuer).pathname;
  const provider = new Provider(input.issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: input.keys.oidcClientSecret,
        redirect_uris: [`${input.publicUrl}/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...jwk, kid: keyId(input.keys.privateKeyPem), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: input.keys.cookieKeys },
    pkce: { required: () => true },
    // Email and names in the ID token itself, as Okta, Entra and Google send them.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups'],
    },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${issuerPath}/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, id: string) => {
      const person = PEOPLE.find((p) => p.id === id);
      if (!person) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: person.email,
          email_verified: true,
          name: `${person.givenName} ${person.familyName}`,
          given_name: person.givenName,
          family_name: person.familyName,
          groups: person.groups,
        }),
      };
    },
  });
  // Every Roster OIDC connection has its own redirect URI, `/oidc/<connection id>/callback`,
  // known only once the connection exists: accept any of them on Roster's own origin.
  const prefix = `${input.publicUrl}/oidc/`;
  const proto = (provider as unknown as { Client: { prototype: { redirectUriAllowed(value: string): boolean } } }).Client.prototype;
  const registered = proto.redirectUriAllowed;
  proto.redirectUriAllowed = function (this: unknown, value: string) {
    return (value.startsWith(prefix) && /^[A-Za-z0-9-]+\/callback$/.test(value.slice(prefix.length))) || registered.call(this, value);
  };
  return provider;
}

/** The login prompt's answer: who the person chose; consent is granted at once (a first-party app). */
export async function finishInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  accountId: string | null,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    const result = accountId ? { login: { accountId } } : { error: 'access_denied', error_description: 'The person cancelled the sign-in' };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
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
}

export async function interactionPrompt(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<string> {
  return (await provider.interactionDetails(req, res)).prompt.name;
}

/**
 * The OpenID Connect plugin's part of the admin console (`roster.console` in package.json): the
 * OIDC protocol of the SSO section — its providers, the wizard's issuer / client form, its
 * connections with the redirect URI to register, and the steps of a sign-in trace.
 */
import { defineConsolePlugin, mappingOf, useConnectionsQuery, type SsoConnection, type SsoProtocol } from '@roster/console-sdk';
import { OidcForm } from './OidcForm.tsx';
import { DeleteOidcConnection, OidcConnectionsQuery, type OidcConnectionRow } from './operations.ts';
import { OIDC_PRESETS } from './presets.ts';

const labelOf = (provider: string) => OIDC_PRESETS.find((p) => p.oidcProvider === provider)?.label ?? provider;

function fromOidc(c: OidcConnectionRow): SsoConnection {
  return {
    protocol: 'oidc',
    id: c.id,
    name: c.name ?? labelOf(c.provider),
    enabled: c.enabled,
    idpLabel: labelOf(c.provider),
    idp: c.issuer,
    createdAt: c.createdAt,
    loginUrl: c.loginUrl,
    values: [{ label: 'Redirect URI', value: c.redirectUri, hint: 'Sign-in redirect URI / Allowed callback URL of the client.' }],
    certificates: [],
    mapping: mappingOf(c.claimMapping),
    metadataError: null,
    attempts: c.attempts,
  };
}
const read = (data: { team: { oidcConnections: OidcConnectionRow[] } }) => data.team.oidcConnections.map(fromOidc);

const oidc: SsoProtocol = {
  id: 'oidc',
  label: 'OpenID Connect',
  typename: 'OidcConnection',
  presets: OIDC_PRESETS,
  valuesHint: 'redirect URI',
  useConnections: (teamId, opts) => useConnectionsQuery(OidcConnectionsQuery, teamId, opts, read),
  NewConnectionForm: OidcForm,
  deleteConnection: DeleteOidcConnection,
  traceSteps: [
    {
      label: 'Back from the provider with a code',
      codes: ['connection', 'request', 'configuration', 'discovery', 'state', 'authorization'],
    },
    { label: 'Code exchanged for tokens', codes: ['token'] },
    {
      label: 'ID token verified: signature, issuer, audience, nonce, time',
      codes: ['id_token', 'issuer', 'audience', 'nonce', 'signature', 'expired', 'issued_at'],
    },
    { label: 'Identity read: claims, tenant, hosted domain', codes: ['tenant', 'hd', 'userinfo', 'claims'] },
  ],
};

export default defineConsolePlugin({ sso: [oidc] });

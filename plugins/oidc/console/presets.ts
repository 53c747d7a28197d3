/** The OpenID Connect providers of the console's wizard: data only. `oidcProvider` is this plugin's own preset. */
import type { SsoPreset } from '@roster/console-sdk';

type OidcProvider = 'okta' | 'entra' | 'google' | 'onelogin' | 'auth0' | 'duo' | 'keycloak' | 'generic';

export interface OidcPreset extends SsoPreset {
  oidcProvider: OidcProvider;
  issuerExample: string;
}

export const OIDC_PRESETS: OidcPreset[] = [
  {
    id: 'auth0',
    label: 'Auth0',
    oidcProvider: 'auth0',
    issuerExample: 'https://{tenant}.{region}.auth0.com/',
    steps: [
      'Applications → Create Application → Regular Web Application.',
      'Settings: the issuer is https://<your domain>/ (with the trailing slash); copy Client ID and Client Secret.',
      'Allowed Callback URLs: Roster’s redirect URI (shown after this step; edit the application then).',
    ],
    mapping: [
      ['Email', 'email'],
      ['Name', 'given_name, family_name'],
      ['Groups', 'https://roster.app/groups (a post-login Action)'],
    ],
  },
  {
    id: 'oidc',
    label: 'Other OpenID Connect provider',
    oidcProvider: 'generic',
    issuerExample: 'https://idp.example.com',
    generic: true,
    steps: [
      'Register a confidential web client (authorization code flow).',
      'Redirect URI: Roster’s (shown after this step).',
      'Copy the issuer (its /.well-known/openid-configuration must answer), client ID and secret.',
    ],
    mapping: [
      ['Email', 'email, email_verified'],
      ['Name', 'given_name, family_name, name'],
      ['Groups', 'groups'],
    ],
  },
];

/**
 * IdP presets of the SSO wizard: data only. Each names the protocol it is set up with, the
 * plugin's own preset (which decides the attribute / claim names sign-in reads), the steps to
 * take in the IdP's admin console, and the attributes the IdP should send. Adding an IdP is
 * adding an entry here; the wizard has no per-IdP code.
 */
export type Protocol = 'saml' | 'oidc' | 'wsfed';

export const PROTOCOL_LABEL: Record<Protocol, string> = { saml: 'SAML 2.0', oidc: 'OpenID Connect', wsfed: 'WS-Federation' };

type SamlPreset = 'okta' | 'entra' | 'google' | 'onelogin' | 'auth0' | 'duo' | 'jumpcloud' | 'adfs' | 'ping' | 'generic';
type OidcProvider = 'okta' | 'entra' | 'google' | 'onelogin' | 'auth0' | 'duo' | 'keycloak' | 'generic';
type WsFedPreset = 'adfs' | 'entra';

interface PresetBase {
  id: string;
  label: string;
  /** Where in the IdP's admin console the app is created, one step a line. */
  steps: string[];
  /** What the IdP should send: Roster's field → the attribute or claim name. */
  mapping: Array<[field: string, name: string]>;
}

export type IdpPreset =
  | (PresetBase & { protocol: 'saml'; samlPreset: SamlPreset })
  | (PresetBase & { protocol: 'oidc'; oidcProvider: OidcProvider; issuerExample: string })
  | (PresetBase & { protocol: 'wsfed'; wsfedPreset: WsFedPreset });

const MS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

export const PRESETS: IdpPreset[] = [
  {
    id: 'okta',
    label: 'Okta',
    protocol: 'saml',
    samlPreset: 'okta',
    steps: [
      'Applications → Create App Integration → SAML 2.0.',
      'Single sign-on URL: Roster’s ACS URL; Audience URI (SP Entity ID): Roster’s entity ID.',
      'Name ID format: EmailAddress; Application username: Email.',
      'Sign On tab → copy the “Metadata URL”, or download the metadata file.',
    ],
    mapping: [
      ['Email', 'email'],
      ['First name', 'firstName'],
      ['Last name', 'lastName'],
      ['Groups', 'groups (group attribute statement)'],
    ],
  },
  {
    id: 'entra',
    label: 'Microsoft Entra ID',
    protocol: 'saml',
    samlPreset: 'entra',
    steps: [
      'Enterprise applications → New application → Create your own application (non-gallery).',
      'Single sign-on → SAML: Identifier (Entity ID) = Roster’s entity ID, Reply URL = Roster’s ACS URL.',
      'SAML Certificates → copy the “App Federation Metadata Url”.',
      'Assign the users and groups who may sign in.',
    ],
    mapping: [
      ['Email', `${MS}/emailaddress`],
      ['First name', `${MS}/givenname`],
      ['Last name', `${MS}/surname`],
      ['Groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
    ],
  },
  {
    id: 'google',
    label: 'Google Workspace',
    protocol: 'saml',
    samlPreset: 'google',
    steps: [
      'Admin console → Apps → Web and mobile apps → Add app → Add custom SAML app.',
      'Download the IdP metadata file on the “Google Identity Provider details” step.',
      'ACS URL and Entity ID: Roster’s values; Name ID: Primary email.',
      'Turn the app on for the organisational units who may sign in.',
    ],
    mapping: [
      ['Email', 'email'],
      ['First name', 'firstName'],
      ['Last name', 'lastName'],
      ['Groups', 'groups (Group membership)'],
    ],
  },
  {
    id: 'onelogin',
    label: 'OneLogin',
    protocol: 'saml',
    samlPreset: 'onelogin',
    steps: [
      'Applications → Add App → “SAML Custom Connector (Advanced)”.',
      'Configuration: Audience (EntityID) and ACS URL Validator / ACS URL: Roster’s values.',
      'SSO tab → copy the “Issuer URL” (the metadata URL).',
    ],
    mapping: [
      ['Email', 'User.email'],
      ['First name', 'User.FirstName'],
      ['Last name', 'User.LastName'],
      ['Groups', 'memberOf'],
    ],
  },
  {
    id: 'auth0',
    label: 'Auth0',
    protocol: 'oidc',
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
    id: 'duo',
    label: 'Duo',
    protocol: 'saml',
    samlPreset: 'duo',
    steps: [
      'Applications → Protect an Application → “Generic SAML Service Provider”.',
      'Entity ID and Assertion Consumer Service URL: Roster’s values.',
      'Download the metadata XML from the “Downloads” section.',
    ],
    mapping: [
      ['Email', 'Email'],
      ['First name', 'FirstName'],
      ['Last name', 'LastName'],
      ['Groups', 'Groups'],
    ],
  },
  {
    id: 'jumpcloud',
    label: 'JumpCloud',
    protocol: 'saml',
    samlPreset: 'jumpcloud',
    steps: [
      'SSO Applications → Add New Application → Custom Application → SAML.',
      'SP Entity ID and ACS URL: Roster’s values; IdP Entity ID: any unique value.',
      'Tick “include group attribute” (memberOf); export the metadata.',
    ],
    mapping: [
      ['Email', 'email'],
      ['First name', 'firstname'],
      ['Last name', 'lastname'],
      ['Groups', 'memberOf'],
    ],
  },
  {
    id: 'adfs',
    label: 'AD FS',
    protocol: 'wsfed',
    wsfedPreset: 'adfs',
    steps: [
      'AD FS Management → Relying Party Trusts → Add Relying Party Trust (claims aware).',
      'Enable the WS-Federation Passive protocol: URL = Roster’s reply URL; identifier = Roster’s realm.',
      'Claim issuance policy: send E-Mail Address, Given Name, Surname and Token-Groups.',
      'The farm’s metadata: https://<adfs host>/FederationMetadata/2007-06/FederationMetadata.xml.',
    ],
    mapping: [
      ['Email', `${MS}/emailaddress`],
      ['First name', `${MS}/givenname`],
      ['Last name', `${MS}/surname`],
      ['Groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'],
    ],
  },
  {
    id: 'saml',
    label: 'Other SAML 2.0 IdP',
    protocol: 'saml',
    samlPreset: 'generic',
    steps: [
      'Create a SAML 2.0 application (service provider) in your IdP.',
      'ACS URL and SP entity ID: Roster’s values (or import Roster’s SP metadata URL).',
      'NameID: persistent or email; export the IdP metadata.',
    ],
    mapping: [
      ['Email', 'email (or mail, urn:oid:0.9.2342.19200300.100.1.3)'],
      ['First name', 'firstName (or givenName)'],
      ['Last name', 'lastName (or sn)'],
      ['Groups', 'groups (or memberOf)'],
    ],
  },
  {
    id: 'oidc',
    label: 'Other OpenID Connect provider',
    protocol: 'oidc',
    oidcProvider: 'generic',
    issuerExample: 'https://idp.example.com',
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
  {
    id: 'wsfed',
    label: 'Other WS-Federation IdP',
    protocol: 'wsfed',
    wsfedPreset: 'entra',
    steps: [
      'Create a relying party for the WS-Federation passive profile.',
      'Reply URL (wreply) and realm (wtrealm): Roster’s values.',
      'Export the FederationMetadata.xml.',
    ],
    mapping: [
      ['Email', `${MS}/emailaddress or upn`],
      ['Name', `${MS}/givenname, surname`],
      ['Groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
    ],
  },
];

export function presetById(id: string): IdpPreset | undefined {
  return PRESETS.find((p) => p.id === id);
}

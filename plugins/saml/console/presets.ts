/**
 * The SAML IdPs of the console's wizard: data only. `samlPreset` is this plugin's own preset,
 * which decides the attribute names sign-in reads.
 */
import type { SsoPreset } from '@roster/console-sdk';

type SamlPresetId = 'okta' | 'entra' | 'google' | 'onelogin' | 'auth0' | 'duo' | 'jumpcloud' | 'adfs' | 'ping' | 'generic';

export interface SamlPreset extends SsoPreset {
  samlPreset: SamlPresetId;
}

const MS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

export const SAML_PRESETS: SamlPreset[] = [
  {
    id: 'okta',
    label: 'Okta',
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
    id: 'duo',
    label: 'Duo',
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
    id: 'saml',
    label: 'Other SAML 2.0 IdP',
    samlPreset: 'generic',
    generic: true,
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
];

/**
 * The WS-Federation plugin's part of the admin console (`roster.console` in package.json): the
 * WS-Fed protocol of the SSO section — its IdP presets (AD FS, generic), the wizard's metadata
 * form, its connections with the reply URL and realm to paste, and the steps of a sign-in trace.
 */
import { useMutation } from 'urql';
import {
  MetadataForm,
  defineConsolePlugin,
  mappingOf,
  useConnectionsQuery,
  type SsoConnection,
  type SsoPreset,
  type SsoProtocol,
} from '@roster/console-sdk';
import { CreateWsFedConnection, DeleteWsFedConnection, WsFedConnectionsQuery, type WsFedConnectionRow } from './operations.ts';

const MS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

/** `wsfedPreset`: this plugin's own claim preset, which decides the claim names sign-in reads. */
const PRESETS: Array<SsoPreset & { wsfedPreset: 'adfs' | 'entra' }> = [
  {
    id: 'adfs',
    label: 'AD FS',
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
    id: 'wsfed',
    label: 'Other WS-Federation IdP',
    wsfedPreset: 'entra',
    generic: true,
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
const labelOf = (preset: string) => PRESETS.find((p) => p.wsfedPreset === preset)?.label ?? preset;

function fromWsFed(c: WsFedConnectionRow): SsoConnection {
  return {
    protocol: 'wsfed',
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    idpLabel: labelOf(c.claimPreset),
    idp: c.idpIssuer,
    createdAt: c.createdAt,
    loginUrl: c.loginUrl,
    values: [
      { label: 'Reply URL', value: c.replyUrl, hint: 'WS-Federation Passive protocol URL (AD FS), Redirect URI (Entra ID).' },
      { label: 'Realm', value: c.realm, hint: 'Relying party trust identifier (AD FS), Application ID URI (Entra ID).' },
    ],
    certificates: c.certificates,
    mapping: mappingOf(c.claimMapping),
    metadataError: c.metadataError ?? null,
    attempts: c.attempts,
  };
}
const read = (data: { team: { wsfedConnections: WsFedConnectionRow[] } }) => data.team.wsfedConnections.map(fromWsFed);

const wsfed: SsoProtocol = {
  id: 'wsfed',
  label: 'WS-Federation',
  typename: 'WsFedConnection',
  presets: PRESETS,
  valuesHint: 'reply URL, realm',
  useConnections: (teamId, opts) => useConnectionsQuery(WsFedConnectionsQuery, teamId, opts, read),
  NewConnectionForm({ teamId, preset, onCreated }) {
    const [, create] = useMutation(CreateWsFedConnection);
    const claimPreset = PRESETS.find((p) => p.id === preset.id)?.wsfedPreset ?? 'entra';
    return (
      <MetadataForm
        idpLabel={preset.label}
        create={async (input) => {
          const r = await create({ teamId, input: { ...input, claimPreset } }, { additionalTypenames: ['WsFedConnection'] });
          if (r.data) onCreated(r.data.createWsFedConnection.id);
          return r.error ?? null;
        }}
      />
    );
  },
  deleteConnection: DeleteWsFedConnection,
  traceSteps: [
    { label: 'Token received from the IdP', codes: ['connection', 'request', 'state', 'xml', 'token'] },
    { label: 'Signature checked against a trusted certificate', codes: ['signature'] },
    { label: 'Issuer, audience, time and replay checked', codes: ['issuer', 'audience', 'time', 'replay'] },
    { label: 'Identity read: subject and claims', codes: ['subject'] },
  ],
};

export default defineConsolePlugin({ sso: [wsfed] });

/**
 * The SAML plugin's part of the admin console (`roster.console` in package.json): the SAML
 * protocol of the SSO section — its IdP presets, the wizard's metadata form, its connections
 * with the values to paste into the IdP, and the steps of a sign-in trace.
 */
import { useMutation } from 'urql';
import {
  MetadataForm,
  defineConsolePlugin,
  mappingOf,
  useConnectionsQuery,
  type SsoConnection,
  type SsoProtocol,
} from '@roster/console-sdk';
import { CreateSamlConnection, DeleteSamlConnection, SamlConnectionsQuery, type SamlConnectionRow } from './operations.ts';
import { SAML_PRESETS } from './presets.ts';

const TYPES = { additionalTypenames: ['SamlConnection'] };
const labelOf = (preset: string) => SAML_PRESETS.find((p) => p.samlPreset === preset)?.label ?? preset;

function fromSaml(c: SamlConnectionRow): SsoConnection {
  return {
    protocol: 'saml',
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    idpLabel: labelOf(c.preset),
    idp: c.idpEntityId,
    createdAt: c.createdAt,
    loginUrl: c.loginUrl,
    values: [
      { label: 'ACS URL', value: c.acsUrl, hint: 'Single sign-on URL (Okta), Reply URL (Entra ID), ACS URL (Google, OneLogin).' },
      { label: 'Entity ID', value: c.entityId, hint: 'Audience URI (Okta), Identifier (Entra ID), SP entity ID elsewhere.' },
      { label: 'SP metadata URL', value: c.metadataUrl, hint: 'For IdPs that import the service provider from its metadata.' },
    ],
    certificates: c.certificates,
    mapping: mappingOf(c.attributeMapping),
    metadataError: c.metadataError ?? null,
    attempts: c.attempts,
  };
}
const read = (data: { team: { samlConnections: SamlConnectionRow[] } }) => data.team.samlConnections.map(fromSaml);

const saml: SsoProtocol = {
  id: 'saml',
  label: 'SAML 2.0',
  typename: 'SamlConnection',
  presets: SAML_PRESETS,
  valuesHint: 'ACS URL, entity ID',
  useConnections: (teamId, opts) => useConnectionsQuery(SamlConnectionsQuery, teamId, opts, read),
  NewConnectionForm({ teamId, preset, onCreated }) {
    const [, create] = useMutation(CreateSamlConnection);
    const samlPreset = SAML_PRESETS.find((p) => p.id === preset.id)?.samlPreset ?? 'generic';
    return (
      <MetadataForm
        idpLabel={preset.label}
        create={async (input) => {
          const r = await create({ teamId, input: { ...input, preset: samlPreset } }, TYPES);
          if (r.data) onCreated(r.data.createSamlConnection.id);
          return r.error ?? null;
        }}
      />
    );
  },
  deleteConnection: DeleteSamlConnection,
  traceSteps: [
    { label: 'Response received from the IdP', codes: ['connection', 'request', 'config', 'xml', 'status'] },
    { label: 'Signature checked against a trusted certificate', codes: ['signature', 'decryption', 'assertion'] },
    {
      label: 'Issuer, audience, destination, time and replay checked',
      codes: ['issuer', 'destination', 'recipient', 'audience', 'time', 'in_response_to', 'replay'],
    },
    { label: 'Identity read: NameID, email, names, groups', codes: ['subject', 'attributes'] },
  ],
};

export default defineConsolePlugin({ sso: [saml] });

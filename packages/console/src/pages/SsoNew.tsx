import { useState, type FormEvent } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { CreateOidcConnection, CreateSamlConnection, CreateWsFedConnection } from '../operations.ts';
import { Link, navigate } from '../router.tsx';
import { PRESETS, PROTOCOL_LABEL, presetById, type IdpPreset } from '../sso/presets.ts';
import { useTitle } from '../title.ts';

const CONNECTION_TYPES = { additionalTypenames: ['SamlConnection', 'OidcConnection', 'WsFedConnection'] };

/** Step 1 of the wizard: which identity provider. */
export function SsoPresets({ base }: { base: string }) {
  useTitle('Add an SSO connection');
  return (
    <>
      <p>
        <Link to={base}>← Single sign-on</Link>
      </p>
      <h1>Add an SSO connection</h1>
      <p>Which identity provider does your company sign in with?</p>
      <ul className="preset-grid">
        {PRESETS.map((p) => (
          <li key={p.id}>
            <Link to={`${base}/new/${p.id}`} className="preset">
              <strong>{p.label}</strong>
              <span className="sub">{PROTOCOL_LABEL[p.protocol]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Steps 2 and 3: what to do in the IdP, then what Roster needs from it. The values to paste back come on the connection's page. */
export function SsoWizard({ teamId, base, presetId }: { teamId: string; base: string; presetId: string }) {
  const preset = presetById(presetId);
  useTitle(preset ? `Set up ${preset.label}` : 'Unknown identity provider');
  if (!preset)
    return (
      <div className="empty">
        <h1>Unknown identity provider</h1>
        <p>
          <Link to={`${base}/new`}>Choose one from the list</Link>.
        </p>
      </div>
    );
  return (
    <>
      <p>
        <Link to={`${base}/new`}>← All identity providers</Link>
      </p>
      <h1>
        Set up {preset.label} <span className="badge badge-inactive">{PROTOCOL_LABEL[preset.protocol]}</span>
      </h1>
      <section className="panel section" aria-labelledby="idp-steps-h">
        <h2 id="idp-steps-h">1. In {preset.label}</h2>
        <ol>
          {preset.steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <p className="hint">
          Roster’s own values (
          {preset.protocol === 'oidc' ? 'redirect URI' : preset.protocol === 'saml' ? 'ACS URL, entity ID' : 'reply URL, realm'}) appear,
          with copy buttons, as soon as the connection exists: most IdPs let you create the application first and fill them in after.
        </p>
        <h3>Attributes to send</h3>
        <DataTable<[string, string]>
          caption={`Attributes ${preset.label} should send`}
          rows={preset.mapping}
          rowKey={([field]) => field}
          columns={[
            { label: 'Roster field', cell: ([field]) => field },
            { label: 'Attribute or claim', cell: ([, name]) => <code>{name}</code> },
          ]}
        />
      </section>
      <section className="panel section" aria-labelledby="idp-values-h">
        <h2 id="idp-values-h">2. From {preset.label}</h2>
        {preset.protocol === 'oidc' ? (
          <OidcForm teamId={teamId} base={base} preset={preset} />
        ) : (
          <MetadataForm teamId={teamId} base={base} preset={preset} />
        )}
      </section>
    </>
  );
}

/** SAML and WS-Federation: the IdP's metadata by URL, file or pasted text. */
function MetadataForm({ teamId, base, preset }: { teamId: string; base: string; preset: IdpPreset }) {
  const [name, setName] = useState(preset.label);
  const [source, setSource] = useState<'url' | 'file' | 'xml'>('url');
  const [url, setUrl] = useState('');
  const [xml, setXml] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [trustEmails, setTrustEmails] = useState(false);
  const [error, setError] = useState<CombinedError | string | null>(null);
  const [saml, createSaml] = useMutation(CreateSamlConnection);
  const [wsfed, createWsFed] = useMutation(CreateWsFedConnection);
  const busy = saml.fetching || wsfed.fetching;
  const metadata = source === 'url' ? { metadataUrl: url.trim() } : { metadataXml: xml };
  const ready = name.trim() !== '' && (source === 'url' ? url.trim() !== '' : xml.trim() !== '');

  const onFile = async (file: File | undefined) => {
    setError(null);
    if (!file) return;
    if (file.size > 1_000_000) return setError('That file is over 1 MB: IdP metadata is a few kilobytes. Is it the right file?');
    setFileName(file.name);
    setXml(await file.text());
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const input = { name: name.trim(), trustEmails, ...metadata };
    const r =
      preset.protocol === 'saml'
        ? await createSaml({ teamId, input: { ...input, preset: preset.samlPreset } }, CONNECTION_TYPES)
        : preset.protocol === 'wsfed'
          ? await createWsFed({ teamId, input: { ...input, claimPreset: preset.wsfedPreset } }, CONNECTION_TYPES)
          : null;
    if (!r) return;
    if (r.error) return setError(r.error);
    const id = r.data && ('createSamlConnection' in r.data ? r.data.createSamlConnection.id : r.data.createWsFedConnection.id);
    if (id) navigate(`${base}/${preset.protocol}/${id}?created=1`);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <ErrorMessage error={error} title="The connection was not created" />
      <div className="field">
        <label htmlFor="conn-name">Connection name</label>
        <input id="conn-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <fieldset className="field">
        <legend>{preset.label} metadata</legend>
        <div className="radio-row">
          {(
            [
              ['url', 'Metadata URL'],
              ['file', 'Upload a file'],
              ['xml', 'Paste XML'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="radio">
              <input type="radio" name="source" value={value} checked={source === value} onChange={() => setSource(value)} /> {label}
            </label>
          ))}
        </div>
      </fieldset>
      {source === 'url' && (
        <div className="field">
          <label htmlFor="metadata-url">Metadata URL</label>
          <input
            id="metadata-url"
            type="url"
            value={url}
            placeholder="https://…"
            onChange={(e) => setUrl(e.target.value)}
            aria-describedby="metadata-url-hint"
          />
          <p className="hint" id="metadata-url-hint">
            Roster reads it now and refreshes it on a schedule, so certificate rollovers need nothing from you.
          </p>
        </div>
      )}
      {source === 'file' && (
        <div className="field">
          <label htmlFor="metadata-file">Metadata file (XML)</label>
          <input id="metadata-file" type="file" accept=".xml,application/xml,text/xml" onChange={(e) => void onFile(e.target.files?.[0])} />
          {fileName && <p className="hint">Read {fileName}.</p>}
        </div>
      )}
      {source === 'xml' && (
        <div className="field">
          <label htmlFor="metadata-xml">Metadata XML</label>
          <textarea id="metadata-xml" rows={8} value={xml} onChange={(e) => setXml(e.target.value)} />
        </div>
      )}
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" checked={trustEmails} onChange={(e) => setTrustEmails(e.target.checked)} /> {preset.label} verifies its
          users’ email addresses
        </label>
        <p className="hint">
          Then a member whose email matches is linked on first sign-in, whatever the domain. Leave off for an IdP where people choose their
          own address; addresses in the team’s verified domains are linked either way.
        </p>
      </div>
      <button type="submit" className="button button-primary" disabled={!ready || busy}>
        Create connection
      </button>
    </form>
  );
}

/** OpenID Connect: issuer, client id and secret. */
function OidcForm({ teamId, base, preset }: { teamId: string; base: string; preset: Extract<IdpPreset, { protocol: 'oidc' }> }) {
  const [name, setName] = useState(preset.label);
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [error, setError] = useState<CombinedError | null>(null);
  const [creation, create] = useMutation(CreateOidcConnection);
  const ready = name.trim() !== '' && issuer.trim() !== '' && clientId.trim() !== '';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const r = await create(
      {
        teamId,
        input: {
          name: name.trim(),
          provider: preset.oidcProvider,
          issuer: issuer.trim(),
          clientId: clientId.trim(),
          ...(clientSecret ? { clientSecret } : {}),
          // Roster refuses a plain-http issuer unless its operator allows them (labs); asking is harmless.
          allowInsecureRequests: issuer.trim().startsWith('http://'),
        },
      },
      CONNECTION_TYPES,
    );
    if (r.error) return setError(r.error);
    if (r.data) navigate(`${base}/oidc/${r.data.createOidcConnection.id}?created=1`);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <ErrorMessage error={error} title="The connection was not created" />
      <div className="field">
        <label htmlFor="conn-name">Connection name</label>
        <input id="conn-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="issuer">Issuer</label>
        <input id="issuer" type="url" value={issuer} placeholder={preset.issuerExample} onChange={(e) => setIssuer(e.target.value)} />
        <p className="hint">Roster reads its discovery document now and refuses an issuer that does not answer.</p>
      </div>
      <div className="field">
        <label htmlFor="client-id">Client ID</label>
        <input id="client-id" value={clientId} autoComplete="off" onChange={(e) => setClientId(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="client-secret">Client secret</label>
        <input
          id="client-secret"
          type="password"
          value={clientSecret}
          autoComplete="off"
          onChange={(e) => setClientSecret(e.target.value)}
        />
        <p className="hint">Stored encrypted and never shown again.</p>
      </div>
      <button type="submit" className="button button-primary" disabled={!ready || creation.fetching}>
        Create connection
      </button>
    </form>
  );
}

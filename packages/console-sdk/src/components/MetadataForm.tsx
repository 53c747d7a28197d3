import { useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from './ErrorMessage.tsx';

/** What a metadata-based connection is created from. */
export interface MetadataInput {
  name: string;
  trustEmails: boolean;
  metadataUrl?: string;
  metadataXml?: string;
}

/**
 * Step 2 of the wizard for the protocols that trust an IdP through its metadata (SAML,
 * WS-Federation): a name, the metadata by URL, file upload or pasted XML, and whether the IdP
 * verifies emails. The protocol plugin sends it with its own mutation (`create`), answering the
 * API's error, if any.
 */
export function MetadataForm({
  idpLabel,
  create,
}: {
  idpLabel: string;
  /** Sends the protocol's mutation: the API's error, or null once created. */
  create: (input: MetadataInput) => Promise<CombinedError | null>;
}) {
  const [name, setName] = useState(idpLabel);
  const [source, setSource] = useState<'url' | 'file' | 'xml'>('url');
  const [url, setUrl] = useState('');
  const [xml, setXml] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [trustEmails, setTrustEmails] = useState(false);
  const [error, setError] = useState<CombinedError | string | null>(null);
  const [busy, setBusy] = useState(false);
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
    setBusy(true);
    const refused = await create({ name: name.trim(), trustEmails, ...metadata }).finally(() => setBusy(false));
    if (refused) setError(refused);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <ErrorMessage error={error} title="The connection was not created" />
      <div className="field">
        <label htmlFor="conn-name">Connection name</label>
        <input id="conn-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <fieldset className="field">
        <legend>{idpLabel} metadata</legend>
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
          <input type="checkbox" checked={trustEmails} onChange={(e) => setTrustEmails(e.target.checked)} /> {idpLabel} verifies its users’
          email addresses
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

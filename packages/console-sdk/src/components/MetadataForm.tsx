import { useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Field } from './Field.tsx';

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
      <Field id="conn-name" label="Connection name">
        {(control) => <input {...control} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />}
      </Field>
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
        <Field
          id="metadata-url"
          label="Metadata URL"
          hint="Roster reads it now and refreshes it on a schedule, so certificate rollovers need nothing from you."
        >
          {(control) => <input {...control} type="url" value={url} placeholder="https://…" onChange={(e) => setUrl(e.target.value)} />}
        </Field>
      )}
      {source === 'file' && (
        <Field id="metadata-file" label="Metadata file (XML)" hint={fileName && `Read ${fileName}.`}>
          {(control) => (
            <input {...control} type="file" accept=".xml,application/xml,text/xml" onChange={(e) => void onFile(e.target.files?.[0])} />
          )}
        </Field>
      )}
      {source === 'xml' && (
        <Field id="metadata-xml" label="Metadata XML">
          {(control) => <textarea {...control} rows={8} value={xml} onChange={(e) => setXml(e.target.value)} />}
        </Field>
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

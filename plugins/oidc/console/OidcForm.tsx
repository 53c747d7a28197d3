import { useState, type FormEvent } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { ErrorMessage, Field, type SsoPreset } from '@roster/console-sdk';
import { CreateOidcConnection } from './operations.ts';
import { OIDC_PRESETS } from './presets.ts';

/** Step 2 of the wizard for OpenID Connect: issuer, client id and secret. */
export function OidcForm({ teamId, preset, onCreated }: { teamId: string; preset: SsoPreset; onCreated: (id: string) => void }) {
  const own = OIDC_PRESETS.find((p) => p.id === preset.id) ?? OIDC_PRESETS[OIDC_PRESETS.length - 1]!;
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
          provider: own.oidcProvider,
          issuer: issuer.trim(),
          clientId: clientId.trim(),
          ...(clientSecret ? { clientSecret } : {}),
          // Roster refuses a plain-http issuer unless its operator allows them (labs); asking is harmless.
          allowInsecureRequests: issuer.trim().startsWith('http://'),
        },
      },
      { additionalTypenames: ['OidcConnection'] },
    );
    if (r.error) return setError(r.error);
    if (r.data) onCreated(r.data.createOidcConnection.id);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)}>
      <ErrorMessage error={error} title="The connection was not created" />
      <Field id="conn-name" label="Connection name">
        {(control) => <input {...control} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id="issuer" label="Issuer" hint="Roster reads its discovery document now and refuses an issuer that does not answer.">
        {(control) => (
          <input {...control} type="url" value={issuer} placeholder={own.issuerExample} onChange={(e) => setIssuer(e.target.value)} />
        )}
      </Field>
      <Field id="client-id" label="Client ID">
        {(control) => <input {...control} value={clientId} autoComplete="off" onChange={(e) => setClientId(e.target.value)} />}
      </Field>
      <Field id="client-secret" label="Client secret" hint="Stored encrypted and never shown again.">
        {(control) => (
          <input {...control} type="password" value={clientSecret} autoComplete="off" onChange={(e) => setClientSecret(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={!ready || creation.fetching}>
        Create connection
      </button>
    </form>
  );
}

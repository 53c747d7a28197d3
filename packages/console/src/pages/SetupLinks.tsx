import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { ErrorMessage, Field, ListSection, ShownOnce, SuccessMessage, formatDate, useTitle } from '@roster/console-sdk';
import { CreateSetupLink, RevokeSetupLink, SetupLinksQuery, type SetupLinkRow } from '../operations.ts';

const LINK_TYPES = { additionalTypenames: ['SetupLink'] };
const SCOPE_LABEL: Record<string, string> = { sso: 'SSO', scim: 'SCIM' };

/**
 * Setup links for a customer's IT admin: SSO and / or SCIM of this team only, no Roster account
 * needed. The link is shown once (only its hash is kept), like a token's secret.
 */
export function SetupLinks({ teamId }: { teamId: string }) {
  useTitle('Setup links');
  const context = useMemo(() => LINK_TYPES, []);
  const [result] = useQuery({ query: SetupLinksQuery, variables: { teamId }, requestPolicy: 'cache-and-network', context });
  const [sso, setSso] = useState(true);
  const [scim, setScim] = useState(true);
  const [days, setDays] = useState(7);
  const [note, setNote] = useState('');
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [creation, create] = useMutation(CreateSetupLink);
  const [, revoke] = useMutation(RevokeSetupLink);
  const links = result.data?.team.setupLinks;

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const scopes = [...(sso ? (['sso'] as const) : []), ...(scim ? (['scim'] as const) : [])];
    const r = await create({ teamId, input: { scopes, expiresInDays: days, note: note.trim() || null } }, LINK_TYPES);
    if (r.error || !r.data) return setError(r.error ?? null);
    setUrl(window.location.origin + r.data.createSetupLink.path);
    setNote('');
  };
  const onRevoke = async (link: SetupLinkRow) => {
    setError(null);
    const r = await revoke({ teamId, id: link.id }, LINK_TYPES);
    if (r.error) return setError(r.error);
    setDone('The setup link was revoked; opening it now says so.');
  };

  return (
    <>
      <div className="page-head">
        <h1>Setup links</h1>
      </div>
      <p>
        Send one to your customer’s IT admin: it opens the SSO wizards and / or SCIM setup of this team only, with no Roster account, until
        it expires or you revoke it.
      </p>
      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="The change was refused" />
      <ErrorMessage error={result.error} title="Setup links could not be loaded" />
      {url && (
        <ShownOnce title="New setup link" value={url} testId="setup-link-url" copyLabel="Copy setup link" onDismiss={() => setUrl(null)}>
          Send it to the person who sets up your identity provider.
        </ShownOnce>
      )}
      <section className="panel section" aria-labelledby="new-link-h">
        <h2 id="new-link-h">New link</h2>
        <form onSubmit={(e) => void onCreate(e)}>
          <fieldset className="field">
            <legend>It may set up</legend>
            <div className="radio-row">
              <label className="checkbox">
                <input type="checkbox" checked={sso} onChange={(e) => setSso(e.target.checked)} /> Single sign-on
              </label>
              <label className="checkbox">
                <input type="checkbox" checked={scim} onChange={(e) => setScim(e.target.checked)} /> SCIM provisioning
              </label>
            </div>
          </fieldset>
          <div className="inline-form">
            <Field id="link-days" label="Valid for (days)" className="field-narrow">
              {(control) => (
                <input {...control} type="number" min={1} max={30} value={days} onChange={(e) => setDays(Number(e.target.value))} />
              )}
            </Field>
            <Field id="link-note" label="Note (who it is for)" className="field-grow">
              {(control) => <input {...control} value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />}
            </Field>
            <button type="submit" className="button button-primary" disabled={(!sso && !scim) || creation.fetching}>
              Create link
            </button>
          </div>
        </form>
      </section>
      <ListSection<SetupLinkRow>
        headingId="links-h"
        title="Live links"
        empty="No live setup link."
        caption="Live setup links, newest first"
        rows={links}
        rowKey={(l) => l.id}
        columns={[
          { label: 'Note', cell: (l) => l.note ?? '—' },
          { label: 'Scope', cell: (l) => l.scopes.map((s) => SCOPE_LABEL[s] ?? s).join(' + ') },
          { label: 'Expires', cell: (l) => formatDate(l.expiresAt) },
          { label: 'Last opened', cell: (l) => (l.lastUsedAt ? formatDate(l.lastUsedAt) : 'never') },
        ]}
        actions={(l) => (
          <button type="button" className="button button-danger-quiet" onClick={() => void onRevoke(l)}>
            Revoke<span className="visually-hidden"> the link {l.note ?? formatDate(l.createdAt)}</span>
          </button>
        )}
      />
    </>
  );
}

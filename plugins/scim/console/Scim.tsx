import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import {
  CopyButton,
  ErrorMessage,
  ListSection,
  NameAndCreate,
  ShownOnce,
  SuccessMessage,
  formatDate,
  useTitle,
  type PageProps,
} from '@roster/console-sdk';
import { CreateScimToken, RevokeScimToken, ScimQuery, type ScimTokenRow } from './operations.ts';
import { RequestLog } from './RequestLog.tsx';

// Revoking returns a Boolean, and an empty token list names no type: say which type's
// queries must refetch after a change.
const TOKEN_TYPES = { additionalTypenames: ['ScimToken'] };
const FIRST_REQUEST_POLL_MS = 2000;

/**
 * What an IdP admin pastes into Okta or Entra ID: the base URL and a bearer token. The secret
 * of a new token is in the mutation's answer only, so it lives in this page's state until the
 * admin dismisses it, and is never fetched again.
 */
export function Scim({ teamId }: PageProps) {
  useTitle('SCIM provisioning');
  const context = useMemo(() => TOKEN_TYPES, []);
  const [result, refetch] = useQuery({ query: ScimQuery, variables: { teamId }, requestPolicy: 'cache-and-network', context });
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // The token whose first request we wait for: the IdP's "Test connection" or first push.
  const [waitFor, setWaitFor] = useState<string | null>(null);
  const [, create] = useMutation(CreateScimToken);
  const scim = result.data?.team.scim;
  const awaited = waitFor ? scim?.tokens.find((tk) => tk.id === waitFor) : undefined;
  const arrived = !!awaited?.lastUsedAt;
  useEffect(() => {
    if (!waitFor || arrived) return;
    const timer = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), FIRST_REQUEST_POLL_MS);
    return () => window.clearInterval(timer);
  }, [waitFor, arrived, refetch]);

  const onCreate = async (name: string) => {
    setError(null);
    setDone(null);
    setCreated(null);
    const r = await create({ teamId, name }, TOKEN_TYPES);
    if (r.error || !r.data) {
      setError(r.error ?? null);
      return false;
    }
    setCreated({ name: r.data.createScimToken.token.name, secret: r.data.createScimToken.secret });
    setWaitFor(r.data.createScimToken.token.id);
    return true;
  };

  return (
    <>
      <div className="page-head">
        <h1>SCIM provisioning</h1>
      </div>
      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="The change was refused" />
      <ErrorMessage error={result.error} title="SCIM settings could not be loaded" />
      {!scim && result.fetching && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}

      {created && (
        <ShownOnce
          title={`Secret of “${created.name}”`}
          value={created.secret}
          testId="scim-secret"
          copyLabel="Copy secret"
          onDismiss={() => setCreated(null)}
        >
          Paste it as the bearer token (“Secret token” in Entra ID, “API token” in Okta).
        </ShownOnce>
      )}

      {awaited && (
        <section className="panel section" aria-labelledby="first-h">
          <h2 id="first-h">First request</h2>
          {arrived ? (
            <div className="alert alert-success" role="status">
              <p>
                ✓ The first request from your IdP with “{awaited.name}” arrived {formatDate(awaited.lastUsedAt)}. Provisioning is connected.
              </p>
            </div>
          ) : (
            <p className="waiting" role="status">
              Waiting for the first request from your IdP… Paste the base URL and the secret into it, then press its “Test connection”
              (Okta, Entra ID) or assign a user.
            </p>
          )}
        </section>
      )}

      {scim && (
        <>
          <section className="panel section" aria-labelledby="base-h">
            <h2 id="base-h">SCIM base URL</h2>
            <p className="hint">“Tenant URL” in Entra ID, “SCIM connector base URL” in Okta.</p>
            <div className="copy-row">
              <code data-testid="scim-base-url">{scim.baseUrl}</code>
              <CopyButton text={scim.baseUrl} label="Copy base URL" />
            </div>
          </section>

          <section className="panel section" aria-labelledby="new-token-h">
            <h2 id="new-token-h">New token</h2>
            <NameAndCreate
              id="token-name"
              label="Token name"
              placeholder="e.g. Entra ID production"
              action="Create token"
              create={onCreate}
            />
            <p className="hint">Several live tokens let you rotate one without stopping provisioning.</p>
          </section>

          <ListSection<ScimTokenRow>
            headingId="tokens-h"
            title="Tokens"
            empty="No live tokens: the IdP cannot provision members until you create one."
            caption="Live SCIM tokens"
            className="tokens-table"
            rows={scim.tokens}
            rowKey={(tk) => tk.id}
            columns={[
              {
                label: 'Name',
                cell: (tk) => (
                  <>
                    <strong>{tk.name}</strong>
                    <span className="sub">
                      starts with <code>{tk.prefix}</code>
                    </span>
                  </>
                ),
              },
              {
                label: 'Created',
                cell: (tk) => (
                  <>
                    <span className="cell-label">Created </span>
                    {formatDate(tk.createdAt)}
                  </>
                ),
              },
              { label: 'Last used', cell: (tk) => (tk.lastUsedAt ? `used ${formatDate(tk.lastUsedAt)}` : 'never used') },
            ]}
            actions={(tk) => <RevokeToken teamId={teamId} token={tk} setError={setError} setDone={setDone} />}
          />

          <RequestLog teamId={teamId} />
        </>
      )}
    </>
  );
}

/** Revoking a token takes a confirm step: the IdP's next request with it answers 401. */
function RevokeToken({
  teamId,
  token: tk,
  setError,
  setDone,
}: {
  teamId: string;
  token: ScimTokenRow;
  setError: (e: CombinedError | null) => void;
  setDone: (s: string | null) => void;
}) {
  const [confirm, setConfirm] = useState(false);
  const [revocation, revoke] = useMutation(RevokeScimToken);

  const onRevoke = async () => {
    setError(null);
    setDone(null);
    const r = await revoke({ teamId, id: tk.id }, TOKEN_TYPES);
    if (r.error) {
      setError(r.error);
      setConfirm(false);
    } else setDone(`Token “${tk.name}” was revoked; requests with it are refused from now on.`);
  };

  return !confirm ? (
    <button type="button" className="button button-danger-quiet" onClick={() => setConfirm(true)}>
      Revoke…<span className="visually-hidden"> {tk.name}</span>
    </button>
  ) : (
    <div className="confirm" role="group" aria-label={`Confirm revoking ${tk.name}`}>
      <p>Requests with this token will answer 401 at once.</p>
      <button type="button" className="button button-danger" disabled={revocation.fetching} onClick={() => void onRevoke()} autoFocus>
        Revoke {tk.name}
      </button>
      <button type="button" className="button" onClick={() => setConfirm(false)}>
        Cancel
      </button>
    </div>
  );
}

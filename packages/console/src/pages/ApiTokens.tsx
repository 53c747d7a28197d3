import { useMemo, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { ErrorMessage, ListSection, NameAndCreate, ShownOnce, SuccessMessage, formatDate, useTitle } from '@roster/console-sdk';
import { ApiTokensQuery, CreateApiToken, RevokeApiToken, type ApiTokenRow } from '../operations.ts';

const TOKEN_TYPES = { additionalTypenames: ['ApiToken'] };

/** Tokens for the host app's calls to /graphql (Authorization: Bearer), acting as this team's admin. */
export function ApiTokens({ teamId }: { teamId: string }) {
  useTitle('API tokens');
  const context = useMemo(() => TOKEN_TYPES, []);
  const [result] = useQuery({ query: ApiTokensQuery, variables: { teamId }, requestPolicy: 'cache-and-network', context });
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [, create] = useMutation(CreateApiToken);
  const [, revoke] = useMutation(RevokeApiToken);
  const tokens = result.data?.apiTokens;

  const onCreate = async (name: string) => {
    setError(null);
    setDone(null);
    const r = await create({ teamId, name }, TOKEN_TYPES);
    if (r.error || !r.data) {
      setError(r.error ?? null);
      return false;
    }
    setCreated({ name: r.data.createApiToken.token.name, secret: r.data.createApiToken.secret });
    return true;
  };
  const onRevoke = async (token: ApiTokenRow) => {
    setError(null);
    setCreated(null);
    const r = await revoke({ teamId, id: token.id }, TOKEN_TYPES);
    if (r.error) return setError(r.error);
    setDone(`“${token.name}” was revoked: requests with it are refused from now on.`);
  };

  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
      </div>
      <p>
        Your app calls Roster’s GraphQL API at <code>/graphql</code> with <code>Authorization: Bearer &lt;token&gt;</code>, as an admin of
        this team.
      </p>
      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="The change was refused" />
      <ErrorMessage error={result.error} title="API tokens could not be loaded" />
      {created && (
        <ShownOnce
          title={`Secret of “${created.name}”`}
          value={created.secret}
          testId="api-token-secret"
          onDismiss={() => setCreated(null)}
        >
          Keep it in your app’s secret store.
        </ShownOnce>
      )}
      <section className="panel section" aria-labelledby="new-api-token-h">
        <h2 id="new-api-token-h">New token</h2>
        <NameAndCreate id="api-token-name" label="Token name" placeholder="e.g. billing service" action="Create token" create={onCreate} />
      </section>
      <ListSection<ApiTokenRow>
        headingId="api-tokens-h"
        title="Live tokens"
        empty="No live API token."
        caption="Live API tokens"
        rows={tokens}
        rowKey={(tk) => tk.id}
        columns={[
          { label: 'Name', cell: (tk) => tk.name },
          { label: 'Starts with', cell: (tk) => <code>{tk.prefix}…</code> },
          { label: 'Scope', cell: (tk) => tk.scope },
          { label: 'Created', cell: (tk) => formatDate(tk.createdAt) },
          { label: 'Last used', cell: (tk) => (tk.lastUsedAt ? formatDate(tk.lastUsedAt) : 'never') },
        ]}
        actions={(tk) => (
          <button type="button" className="button button-danger-quiet" onClick={() => void onRevoke(tk)}>
            Revoke<span className="visually-hidden"> {tk.name}</span>
          </button>
        )}
      />
    </>
  );
}

import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { DataTable, ErrorMessage, Link, ShownOnce, formatDate, useTitle } from '@roster/console-sdk';
import { CreateWebhookEndpoint, WebhookEndpointsQuery, type WebhookEndpointRow } from '../operations.ts';
import { EVENT_TYPES, EVERY_TYPE } from '../webhooks/event-types.ts';

export const ENDPOINT_TYPES = { additionalTypenames: ['WebhookEndpoint'] };

export function endpointState(e: Pick<WebhookEndpointRow, 'enabled' | 'disabledReason' | 'failingSince'>): {
  label: string;
  badge: string;
} {
  if (!e.enabled) return { label: `Disabled: ${e.disabledReason ?? 'no reason given'}`, badge: 'badge-inactive' };
  if (e.failingSince) return { label: `Failing since ${formatDate(e.failingSince)}`, badge: 'badge-pending' };
  return { label: 'Enabled', badge: 'badge-active' };
}

/** Where the team's events are POSTed, signed (Standard Webhooks); docs/webhooks.md. */
export function Webhooks({ teamId }: { teamId: string }) {
  useTitle('Webhooks');
  const context = useMemo(() => ENDPOINT_TYPES, []);
  const [result] = useQuery({ query: WebhookEndpointsQuery, variables: { teamId }, requestPolicy: 'cache-and-network', context });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<Set<string>>(new Set([EVERY_TYPE]));
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [creation, create] = useMutation(CreateWebhookEndpoint);
  const endpoints = result.data?.webhookEndpoints;
  const every = types.has(EVERY_TYPE);

  const toggle = (type: string, on: boolean) => {
    const next = new Set(types);
    if (on) next.add(type);
    else next.delete(type);
    setTypes(next);
  };
  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    const eventTypes = every ? [EVERY_TYPE] : [...types];
    const r = await create({ input: { teamId, url: url.trim(), description: description.trim() || null, eventTypes } }, ENDPOINT_TYPES);
    if (r.error || !r.data) return setError(r.error ?? null);
    setCreated({ url: r.data.createWebhookEndpoint.endpoint.url, secret: r.data.createWebhookEndpoint.secret });
    setUrl('');
    setDescription('');
  };

  return (
    <>
      <div className="page-head">
        <h1>Webhooks</h1>
      </div>
      <p>
        Roster POSTs the team’s events to these URLs, signed per Standard Webhooks, at least once, retried for three days. Verify the
        signature with the endpoint’s secret.
      </p>
      <ErrorMessage error={error} title="The endpoint was refused" />
      <ErrorMessage error={result.error} title="Webhook endpoints could not be loaded" />
      {created && (
        <ShownOnce title="Signing secret" value={created.secret} testId="webhook-secret" onDismiss={() => setCreated(null)}>
          Your receiver at {created.url} verifies each request’s signature with it.
        </ShownOnce>
      )}
      <section className="section" aria-labelledby="endpoints-h">
        <h2 id="endpoints-h">Endpoints</h2>
        {endpoints && endpoints.length === 0 && <p className="muted">No endpoint yet.</p>}
        {endpoints && endpoints.length > 0 && (
          <DataTable<WebhookEndpointRow>
            caption="Webhook endpoints"
            rows={endpoints}
            rowKey={(e) => e.id}
            columns={[
              {
                label: 'URL',
                cell: (e) => (
                  <>
                    <Link to={`/webhooks/${e.id}`} className="member-link">
                      {e.url}
                    </Link>
                    {e.description && <span className="sub">{e.description}</span>}
                  </>
                ),
              },
              { label: 'Events', cell: (e) => (e.eventTypes.includes(EVERY_TYPE) ? 'Every event' : e.eventTypes.join(', ')) },
              {
                label: 'State',
                cell: (e) => {
                  const s = endpointState(e);
                  return <span className={`badge ${s.badge}`}>{s.label}</span>;
                },
              },
              { label: 'Created', cell: (e) => formatDate(e.createdAt) },
            ]}
          />
        )}
      </section>
      <section className="panel section" aria-labelledby="new-endpoint-h">
        <h2 id="new-endpoint-h">New endpoint</h2>
        <form onSubmit={(e) => void onCreate(e)}>
          <div className="field">
            <label htmlFor="webhook-url">URL</label>
            <input
              id="webhook-url"
              type="url"
              value={url}
              placeholder="https://app.example.com/hooks/roster"
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="webhook-description">Description</label>
            <input id="webhook-description" value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <fieldset className="field">
            <legend>Events to send</legend>
            <label className="checkbox">
              <input type="checkbox" checked={every} onChange={(e) => toggle(EVERY_TYPE, e.target.checked)} /> Every event, including types
              added later
            </label>
            {!every && (
              <div className="event-groups">
                {EVENT_TYPES.map((g) => (
                  <fieldset key={g.group} className="event-group">
                    <legend>{g.group}</legend>
                    {g.types.map((type) => (
                      <label key={type} className="checkbox">
                        <input type="checkbox" checked={types.has(type)} onChange={(e) => toggle(type, e.target.checked)} />
                        <code>{type}</code>
                      </label>
                    ))}
                  </fieldset>
                ))}
              </div>
            )}
          </fieldset>
          <button type="submit" className="button button-primary" disabled={!url.trim() || types.size === 0 || creation.fetching}>
            Create endpoint
          </button>
        </form>
      </section>
    </>
  );
}

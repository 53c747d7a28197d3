import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import {
  DeleteWebhookEndpoint,
  RedeliverWebhook,
  RotateWebhookSecret,
  UpdateWebhookEndpoint,
  WebhookDeliveriesQuery,
  WebhookEndpointsQuery,
  type WebhookDeliveryRow,
} from '../operations.ts';
import { DataTable, ErrorMessage, Link, ShownOnce, SuccessMessage, formatDate, navigate, useTitle } from '@roster/console-sdk';
import { ENDPOINT_TYPES, endpointState } from './Webhooks.tsx';

const DELIVERY_TYPES = { additionalTypenames: ['WebhookDelivery', 'WebhookEndpoint'] };
const DELIVERIES = 50;
const POLL_MS = 2000;
const STATUS_LABEL: Record<string, string> = { pending: 'Pending', delivered: 'Delivered', failed: 'Failed' };
const STATUS_BADGE: Record<string, string> = { pending: 'badge-pending', delivered: 'badge-active', failed: 'badge-inactive' };

function answer(statusCode: number | null | undefined, error: string | null | undefined): string {
  if (statusCode) return `HTTP ${statusCode}`;
  return error ? `No answer: ${error}` : '—';
}

/** One endpoint: its state (and why it is disabled), secret rotation, and the delivery log with redeliver. */
export function WebhookEndpointPage({ teamId, id }: { teamId: string; id: string }) {
  const context = useMemo(() => ENDPOINT_TYPES, []);
  const deliveryContext = useMemo(() => DELIVERY_TYPES, []);
  const [endpoints, refetchEndpoints] = useQuery({
    query: WebhookEndpointsQuery,
    variables: { teamId },
    requestPolicy: 'cache-and-network',
    context,
  });
  const [deliveries, refetch] = useQuery({
    query: WebhookDeliveriesQuery,
    variables: { endpointId: id, first: DELIVERIES },
    requestPolicy: 'cache-and-network',
    context: deliveryContext,
  });
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [, update] = useMutation(UpdateWebhookEndpoint);
  const [, rotate] = useMutation(RotateWebhookSecret);
  const [, remove] = useMutation(DeleteWebhookEndpoint);
  const [, redeliver] = useMutation(RedeliverWebhook);
  const endpoint = endpoints.data?.webhookEndpoints.find((e) => e.id === id);
  useTitle(endpoint ? `Webhook ${endpoint.url}` : 'Webhook');
  // Deliveries move on their own (the worker sends within a second): the log follows while any waits.
  const waiting = deliveries.data?.webhookDeliveries.some((d) => d.status === 'pending');
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, refetch]);
  // A delivery's outcome changes the endpoint's state (failing since…): read it again when one settles.
  const settled = deliveries.data?.webhookDeliveries.filter((d) => d.status !== 'pending').length ?? 0;
  useEffect(() => {
    if (settled > 0) refetchEndpoints({ requestPolicy: 'network-only' });
  }, [settled, waiting, refetchEndpoints]);

  const run = async (action: () => Promise<{ error?: CombinedError }>, message: string) => {
    setError(null);
    setDone(null);
    const r = await action();
    if (r.error) return setError(r.error);
    setDone(message);
    refetch({ requestPolicy: 'network-only' });
  };

  if (endpoints.error) return <ErrorMessage error={endpoints.error} title="The endpoint could not be loaded" />;
  if (!endpoint) {
    return endpoints.fetching || !endpoints.data ? (
      <p className="muted" role="status">
        Loading…
      </p>
    ) : (
      <div className="empty">
        <h1>No such endpoint</h1>
        <p>
          It may have been deleted. <Link to="/webhooks">All endpoints</Link>
        </p>
      </div>
    );
  }
  const state = endpointState(endpoint);
  const rows = deliveries.data?.webhookDeliveries;

  return (
    <>
      <p className="back">
        <Link to="/webhooks">← All endpoints</Link>
      </p>
      <div className="page-head">
        <h1 className="endpoint-url">{endpoint.url}</h1>
        <span className={`badge ${state.badge}`} data-testid="endpoint-state">
          {state.label}
        </span>
      </div>
      {endpoint.description && <p>{endpoint.description}</p>}
      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="That didn’t work" />
      {secret && (
        <ShownOnce title="New signing secret" value={secret} testId="webhook-secret" onDismiss={() => setSecret(null)}>
          The previous secret also signs until {formatDate(endpoint.previousSecretExpiresAt)}: switch your receiver before then.
        </ShownOnce>
      )}
      <section className="panel section" aria-labelledby="endpoint-h">
        <h2 id="endpoint-h">Endpoint</h2>
        <dl className="details">
          <dt>Events</dt>
          <dd>{endpoint.eventTypes.join(', ')}</dd>
          <dt>Created</dt>
          <dd>{formatDate(endpoint.createdAt)}</dd>
          {endpoint.failingSince && (
            <>
              <dt>Failing since</dt>
              <dd>{formatDate(endpoint.failingSince)} (disabled after three days of failures)</dd>
            </>
          )}
          {!endpoint.enabled && (
            <>
              <dt>Disabled</dt>
              <dd>
                {formatDate(endpoint.disabledAt)}: {endpoint.disabledReason ?? 'no reason given'}
              </dd>
            </>
          )}
        </dl>
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() =>
              void run(
                () => update({ id, input: { enabled: !endpoint.enabled } }, DELIVERY_TYPES),
                endpoint.enabled
                  ? 'The endpoint is disabled: events wait until it is enabled again.'
                  : 'The endpoint is enabled; waiting deliveries go now.',
              )
            }
          >
            {endpoint.enabled ? 'Disable' : 'Enable'}
          </button>
          <button
            type="button"
            className="button"
            onClick={() =>
              void run(async () => {
                const r = await rotate({ id }, DELIVERY_TYPES);
                if (r.data) setSecret(r.data.rotateWebhookSecret.secret);
                return r;
              }, 'A new secret signs from now on.')
            }
          >
            Rotate secret
          </button>
          {!confirmDelete ? (
            <button type="button" className="button button-danger-quiet" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          ) : (
            <span className="confirm">
              <span>Delete this endpoint and its delivery log?</span>
              <button
                type="button"
                className="button button-danger"
                onClick={() =>
                  void (async () => {
                    const r = await remove({ id }, ENDPOINT_TYPES);
                    if (r.error) return setError(r.error);
                    navigate('/webhooks');
                  })()
                }
              >
                Delete endpoint
              </button>
              <button type="button" className="button button-quiet" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </span>
          )}
        </div>
      </section>
      <section className="section" aria-labelledby="deliveries-h">
        <div className="page-head">
          <h2 id="deliveries-h">Deliveries</h2>
          <button type="button" className="button button-quiet" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Refresh
          </button>
        </div>
        <ErrorMessage error={deliveries.error} title="Deliveries could not be loaded" />
        {rows && rows.length === 0 && <p className="muted">No delivery yet: events of the chosen types will appear here.</p>}
        {rows && rows.length > 0 && (
          <DataTable<WebhookDeliveryRow>
            caption={`The latest ${DELIVERIES} deliveries, newest first`}
            className="deliveries-table"
            rows={rows}
            rowKey={(d) => d.id}
            columns={[
              { label: 'Event', cell: (d) => <code>{d.eventType}</code> },
              { label: 'Status', cell: (d) => <span className={`badge ${STATUS_BADGE[d.status]}`}>{STATUS_LABEL[d.status]}</span> },
              { label: 'Last answer', cell: (d) => answer(d.lastStatusCode, d.lastError) },
              {
                label: 'Time',
                cell: (d) => (d.lastDurationMs === null || d.lastDurationMs === undefined ? '—' : `${d.lastDurationMs} ms`),
              },
              {
                label: 'Attempts',
                cell: (d) => (
                  <details>
                    <summary>
                      {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                      {d.status === 'pending' && d.nextAttemptAt ? `, next ${formatDate(d.nextAttemptAt)}` : ''}
                    </summary>
                    <ol className="attempt-log">
                      {d.log.map((a) => (
                        <li key={a.attempt}>
                          {formatDate(a.at)}: {answer(a.statusCode, a.error)} in {a.durationMs} ms
                        </li>
                      ))}
                    </ol>
                  </details>
                ),
              },
              {
                label: 'Actions',
                hideLabel: true,
                cell: (d) => (
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      void run(() => redeliver({ deliveryId: d.id }, DELIVERY_TYPES), `The ${d.eventType} event is sent again.`)
                    }
                  >
                    Redeliver
                    <span className="visually-hidden">
                      {' '}
                      {d.eventType} of {formatDate(d.createdAt)}
                    </span>
                  </button>
                ),
              },
            ]}
          />
        )}
      </section>
    </>
  );
}

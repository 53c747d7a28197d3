import { useEffect } from 'react';
import { useQuery } from 'urql';
import { ErrorMessage, formatDate } from '@roster/console-sdk';
import { ScimRequestsQuery, type ScimRequestRow } from './operations.ts';

const POLL_MS = 3000;
const SHOWN = 50;

function outcomeBadge(status: number): string {
  if (status < 400) return 'badge-active';
  if (status < 500) return 'badge-pending';
  return 'badge-inactive';
}

/**
 * #16 the latest requests to the team's SCIM endpoint with their outcome, refreshed every few
 * seconds while the page is open: what an admin watches while the IdP connects or pushes users.
 */
export function RequestLog({ teamId }: { teamId: string }) {
  const [result, refetch] = useQuery({ query: ScimRequestsQuery, variables: { teamId, first: SHOWN }, requestPolicy: 'cache-and-network' });
  useEffect(() => {
    const timer = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [refetch]);
  const rows = result.data?.team.scim.requests;

  return (
    <section className="section" aria-labelledby="requests-h">
      <h2 id="requests-h">Latest provisioning requests</h2>
      <ErrorMessage error={result.error} title="The request log could not be loaded" />
      {rows && rows.length === 0 && (
        <p className="muted" data-testid="scim-requests-empty">
          No requests yet. Each request your IdP sends to the base URL (its “Test connection”, each user or group it pushes), and each one
          refused for a wrong token, will appear here with its outcome within seconds.
        </p>
      )}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table className="table requests-table" data-testid="scim-requests">
            <caption className="visually-hidden">Latest SCIM requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Request</th>
                <th scope="col">Outcome</th>
                <th scope="col">User or group</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <RequestRow key={`${r.at}-${i}`} row={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RequestRow({ row: r }: { row: ScimRequestRow }) {
  return (
    <tr>
      <td data-label="Time">{formatDate(r.at)}</td>
      <td data-label="Request">
        {/* A long filter wraps instead of widening a phone's page. */}
        <code style={{ overflowWrap: 'anywhere' }}>
          {r.method} {r.path}
        </code>
        <span className="sub">{r.durationMs} ms</span>
      </td>
      <td data-label="Outcome">
        <span className={`badge ${outcomeBadge(r.status)}`}>
          {r.status}
          {r.scimType ? ` ${r.scimType}` : ''}
        </span>
        {r.detail && (
          <span className="sub" style={{ overflowWrap: 'anywhere' }}>
            {r.detail}
          </span>
        )}
      </td>
      <td data-label="User or group">
        {r.resourceName ?? (r.resourceId ? <code>{r.resourceId}</code> : <span className="muted">—</span>)}
        {r.resourceName && r.resourceId && (
          <span className="sub">
            <code>{r.resourceId}</code>
          </span>
        )}
      </td>
    </tr>
  );
}

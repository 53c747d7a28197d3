import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { DataTable, ErrorMessage, formatDate, navigate, useLocation, useTitle } from '@roster/console-sdk';
import { Pager, useCursors } from '../components/Pager.tsx';
import { AuditEventsQuery, type AuditEventRow } from '../operations.ts';

const PAGE_SIZE = 50;
/** Action prefixes worth a filter of their own (the API matches by prefix). */
const ACTIONS = [
  { value: 'member.', label: 'Members' },
  { value: 'group.', label: 'Groups' },
  { value: 'license.', label: 'Licenses' },
  { value: 'signin.', label: 'Sign-ins' },
  { value: 'signin.refused', label: 'Refused sign-ins' },
  { value: 'team.', label: 'Team and policy' },
  { value: 'domain.', label: 'Domains' },
  { value: 'token.', label: 'Tokens (API, SCIM)' },
  { value: 'saml.', label: 'SAML connections' },
  { value: 'oidc.', label: 'OIDC connections' },
  { value: 'wsfed.', label: 'WS-Fed connections' },
  { value: 'setup_link.', label: 'Setup links' },
  { value: 'webhook.', label: 'Webhooks' },
];
const FILTERS = ['action', 'actor', 'outcome', 'since', 'until'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** `datetime-local` is the admin's local time; the API takes an instant. */
function instant(local: string): string | null {
  const t = local ? new Date(local) : null;
  return t && !Number.isNaN(t.getTime()) ? t.toISOString() : null;
}

/** Who did what, when and through which channel, newest first; the filters live in the URL. */
export function AuditLog({ teamId }: { teamId: string }) {
  useTitle('Audit log');
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Filters;
  const [actor, setActor] = useState(filters.actor);
  const pages = useCursors();

  const setFilters = (next: Partial<Filters>) => {
    const params = new URLSearchParams();
    for (const f of FILTERS) {
      const v = (next[f] ?? filters[f]).trim();
      if (v) params.set(f, v);
    }
    pages.reset();
    const qs = params.toString();
    navigate(`/audit${qs ? `?${qs}` : ''}`, { replace: true });
  };
  // Typing settles for a moment before the actor filter runs.
  useEffect(() => {
    if (actor === filters.actor) return;
    const timer = setTimeout(() => setFilters({ actor }), 300);
    return () => clearTimeout(timer);
  });

  const [result] = useQuery({
    query: AuditEventsQuery,
    variables: {
      teamId,
      first: PAGE_SIZE,
      after: pages.after,
      action: filters.action || null,
      actor: filters.actor || null,
      outcome: filters.outcome || null,
      since: instant(filters.since),
      until: instant(filters.until),
    },
    requestPolicy: 'cache-and-network',
  });
  const events = result.data?.team.auditEvents;
  const from = pages.index * PAGE_SIZE;

  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <form role="search" aria-label="Filter the audit log" className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={filters.action} onChange={(e) => setFilters({ action: e.target.value })}>
            <option value="">All</option>
            {ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" type="search" placeholder="Email, login or id" value={actor} onChange={(e) => setActor(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" value={filters.outcome} onChange={(e) => setFilters({ outcome: e.target.value })}>
            <option value="">All</option>
            <option value="success">Succeeded</option>
            <option value="failure">Refused or failed</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-since">From</label>
          <input id="audit-since" type="datetime-local" value={filters.since} onChange={(e) => setFilters({ since: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" value={filters.until} onChange={(e) => setFilters({ until: e.target.value })} />
        </div>
      </form>
      <ErrorMessage error={result.error} title="The audit log could not be loaded" />
      {!events && result.fetching && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {events && events.edges.length === 0 && <p className="empty">No event matches these filters.</p>}
      {events && events.edges.length > 0 && (
        <DataTable<AuditEventRow>
          caption="Audit events, newest first"
          className="audit-table"
          rows={events.edges.map((e) => e.node)}
          rowKey={(e) => e.id}
          columns={[
            { label: 'When', cell: (e) => formatDate(e.at) },
            { label: 'Action', cell: (e) => <code>{e.action}</code> },
            {
              label: 'Outcome',
              cell: (e) => (
                <>
                  <span className={`badge ${e.outcome === 'success' ? 'badge-active' : 'badge-inactive'}`}>
                    {e.outcome === 'success' ? 'Succeeded' : 'Refused'}
                  </span>
                  {e.reason && <span className="sub">{e.reason}</span>}
                </>
              ),
            },
            { label: 'Actor', cell: (e) => e.actorLabel ?? e.actorId ?? e.actorType },
            { label: 'Channel', cell: (e) => e.channel },
            { label: 'Target', cell: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—') },
          ]}
        />
      )}
      {events && (events.edges.length > 0 || pages.index > 0) && (
        <Pager
          label={events.edges.length > 0 ? `Events ${from + 1}–${from + events.edges.length}` : 'No more events'}
          hasPrevious={pages.index > 0}
          hasNext={events.pageInfo.hasNextPage}
          onPrevious={pages.previous}
          onNext={() => pages.next(events.pageInfo.endCursor)}
        />
      )}
    </>
  );
}

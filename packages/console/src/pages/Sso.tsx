import { DataTable, ErrorMessage, Link, formatDate, useTitle, type SsoConnection } from '@roster/console-sdk';
import { useSsoConnections } from '../sso/connections.ts';

/** Every SSO connection of the team, whatever its protocol; `base` is where the SSO pages live (`/sso`, or a setup link's). */
export function Sso({ teamId, base }: { teamId: string; base: string }) {
  useTitle('Single sign-on');
  const { connections, installed, error, loaded } = useSsoConnections(teamId);
  const labelOf = (id: string) => installed.find((p) => p.id === id)?.label ?? id;
  return (
    <>
      <div className="page-head">
        <h1>Single sign-on</h1>
        <Link to={`${base}/new`} className="button button-primary">
          Add a connection
        </Link>
      </div>
      <ErrorMessage error={error} title="SSO connections could not be loaded" />
      {!loaded && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {loaded && <p className="hint">Installed protocols: {installed.map((p) => p.label).join(', ') || 'none'}.</p>}
      {loaded && connections.length === 0 && !error && (
        <div className="empty">
          <p>No SSO connection yet. Add one: the wizard says what to paste into your identity provider.</p>
        </div>
      )}
      {connections.length > 0 && (
        <DataTable<SsoConnection>
          caption="SSO connections"
          className="sso-table"
          rows={connections}
          rowKey={(c) => `${c.protocol}:${c.id}`}
          columns={[
            {
              label: 'Name',
              cell: (c) => (
                <>
                  <Link to={`${base}/${c.protocol}/${c.id}`}>{c.name}</Link>
                  <span className="sub">{c.idpLabel}</span>
                </>
              ),
            },
            { label: 'Protocol', cell: (c) => labelOf(c.protocol) },
            {
              label: 'Status',
              cell: (c) => (
                <>
                  <span className={`badge ${c.enabled ? 'badge-active' : 'badge-inactive'}`}>{c.enabled ? 'Enabled' : 'Disabled'}</span>
                  {c.certificates.some((x) => x.expired || x.expiresSoon) && (
                    <span className="badge badge-pending">Certificate expiring</span>
                  )}
                </>
              ),
            },
            { label: 'Last sign-in', cell: (c) => lastAttempt(c) },
          ]}
        />
      )}
    </>
  );
}

function lastAttempt(c: SsoConnection): string {
  const a = c.attempts[0];
  if (!a) return 'never tried';
  return `${a.outcome === 'success' ? 'succeeded' : 'refused'} ${formatDate(a.at)}`;
}

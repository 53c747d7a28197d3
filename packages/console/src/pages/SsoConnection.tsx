import { useEffect, useState } from 'react';
import { useMutation, type CombinedError } from 'urql';
import {
  CopyField,
  DataTable,
  ErrorMessage,
  Link,
  formatDate,
  href,
  navigate,
  useLocation,
  useTitle,
  type Certificate,
  type SignInAttempt,
  type SsoConnection,
  type SsoProtocol,
} from '@roster/console-sdk';
import { traceSteps } from '../sso/trace.ts';

/** Where a test sign-in's tab lands: a page that says to go back (App renders it signed in or not). */
export const TEST_DONE_PATH = '/sso-test-done';
const POLL_MS = 1500;

/** One connection of `protocol` (the route keys this page by protocol: it calls that protocol's hook). */
export function SsoConnectionPage({ teamId, base, protocol, id }: { teamId: string; base: string; protocol: SsoProtocol; id: string }) {
  const [testing, setTesting] = useState<{ after: string | null } | null>(null);
  const [hint, setHint] = useState('');
  const { connections, error, loaded, refetch } = protocol.useConnections(teamId, { poll: testing !== null, pause: false });
  const { query } = useLocation();
  const conn = connections.find((c) => c.id === id);
  useTitle(conn ? conn.name : 'SSO connection');

  // While a test sign-in runs in the other tab, ask for the attempts until a newer one appears.
  const latest = conn?.attempts[0] ?? null;
  const arrived = testing !== null && latest !== null && (testing.after === null || latest.at > testing.after);
  useEffect(() => {
    if (!testing || arrived) return;
    const timer = window.setInterval(refetch, POLL_MS);
    return () => window.clearInterval(timer);
  }, [testing, arrived, refetch]);

  if (!conn) {
    return (
      <>
        <ErrorMessage error={error} title="The connection could not be loaded" />
        {loaded ? (
          <div className="empty">
            <h1>No such connection</h1>
            <p>
              It may have been deleted. <Link to={base}>All SSO connections</Link>
            </p>
          </div>
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </>
    );
  }

  const onTest = () => {
    setTesting({ after: latest?.at ?? null });
    const url = new URL(conn.loginUrl);
    url.searchParams.set('return_to', href(TEST_DONE_PATH));
    if (hint.trim()) url.searchParams.set('login_hint', hint.trim());
    window.open(url.toString(), '_blank', 'noopener,noreferrer');
  };

  return (
    <>
      <p>
        <Link to={base}>← Single sign-on</Link>
      </p>
      <div className="page-head">
        <h1>
          {conn.name}{' '}
          <span className={`badge ${conn.enabled ? 'badge-active' : 'badge-inactive'}`}>{conn.enabled ? 'Enabled' : 'Disabled'}</span>
        </h1>
      </div>
      <p className="muted">
        {protocol.label} · {conn.idpLabel} · IdP <code>{conn.idp}</code> · created {formatDate(conn.createdAt)}
      </p>
      {query.get('created') && (
        <div className="alert alert-success" role="status">
          <p>The connection was created. Paste the values below into {conn.idpLabel}, then run a test sign-in.</p>
        </div>
      )}
      <ErrorMessage error={error} title="The connection could not be refreshed" />
      {conn.metadataError && (
        <div className="alert alert-warning" role="alert">
          <p className="alert-title">The last metadata refresh failed; the previous values stay in use.</p>
          <p>{conn.metadataError}</p>
        </div>
      )}

      <section className="panel section" aria-labelledby="paste-h">
        <h2 id="paste-h">Paste into {conn.idpLabel}</h2>
        {conn.values.map((v) => (
          <CopyField key={v.label} label={v.label} value={v.value} hint={v.hint} testId={`value-${v.label}`} />
        ))}
      </section>

      {conn.certificates.length > 0 && <Certificates certificates={conn.certificates} />}

      {conn.mapping.length > 0 && (
        <section className="section" aria-labelledby="mapping-h">
          <h2 id="mapping-h">Attributes read at sign-in</h2>
          <DataTable<[string, string[]]>
            caption="Attribute names read for each field, in order"
            rows={conn.mapping}
            rowKey={([field]) => field}
            columns={[
              { label: 'Field', cell: ([field]) => field },
              { label: 'Attribute names, first found wins', cell: ([, names]) => <code>{names.join(', ')}</code> },
            ]}
          />
        </section>
      )}

      <section className="panel section" aria-labelledby="test-h">
        <h2 id="test-h">Test sign-in</h2>
        <p>
          Opens a real sign-in through {conn.idpLabel} in a new tab. Sign in there as yourself; this page then shows what Roster did with
          the answer, step by step.
        </p>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            onTest();
          }}
        >
          <div className="field field-grow">
            <label htmlFor="login-hint">Your email at the IdP (optional)</label>
            <input id="login-hint" type="email" value={hint} autoComplete="email" onChange={(e) => setHint(e.target.value)} />
          </div>
          <button type="submit" className="button button-primary">
            Test sign-in
          </button>
        </form>
        {testing && !arrived && (
          <p className="waiting" role="status">
            Waiting for the sign-in to come back from {conn.idpLabel}…
          </p>
        )}
        {testing && arrived && latest && <Trace protocol={protocol} attempt={latest} />}
      </section>

      <section className="section" aria-labelledby="attempts-h">
        <h2 id="attempts-h">Recent sign-ins</h2>
        {conn.attempts.length === 0 ? (
          <p className="muted">No sign-in through this connection yet.</p>
        ) : (
          <DataTable<SignInAttempt>
            caption="Recent sign-in attempts, newest first"
            rows={conn.attempts}
            rowKey={(a) => `${a.at}-${a.outcome}-${a.step ?? ''}`}
            columns={[
              { label: 'When', cell: (a) => formatDate(a.at) },
              {
                label: 'Outcome',
                cell: (a) => (
                  <span className={`badge ${a.outcome === 'success' ? 'badge-active' : 'badge-pending'}`}>
                    {a.outcome === 'success' ? 'Signed in' : 'Refused'}
                  </span>
                ),
              },
              { label: 'Who', cell: (a) => a.email ?? a.subject ?? '—' },
              { label: 'Why', cell: (a) => (a.outcome === 'success' ? '' : `${a.step ?? ''}: ${a.reason ?? ''}`) },
            ]}
          />
        )}
      </section>

      <DeleteConnection conn={conn} protocol={protocol} base={base} />
    </>
  );
}

function Certificates({ certificates }: { certificates: Certificate[] }) {
  return (
    <section className="section" aria-labelledby="certs-h">
      <h2 id="certs-h">IdP signing certificates</h2>
      {certificates.some((c) => c.expired) ? (
        <div className="alert alert-error" role="alert">
          <p>
            A trusted certificate has expired: sign-ins signed with it are refused. Add the IdP’s current certificate (refresh its
            metadata).
          </p>
        </div>
      ) : (
        certificates.some((c) => c.expiresSoon) && (
          <div className="alert alert-warning" role="alert">
            <p>A trusted certificate expires within 30 days: add the IdP’s next certificate before then.</p>
          </div>
        )
      )}
      <DataTable<Certificate>
        caption="Trusted IdP signing certificates"
        rows={certificates}
        rowKey={(c) => c.fingerprintSha256}
        columns={[
          {
            label: 'Subject',
            cell: (c) => (
              <>
                {c.subject}
                <span className="sub">
                  SHA-256 <code>{c.fingerprintSha256.slice(0, 23)}…</code>
                </span>
              </>
            ),
          },
          { label: 'Expires', cell: (c) => formatDate(c.notAfter) },
          {
            label: 'State',
            cell: (c) =>
              c.expired ? (
                <span className="badge badge-inactive">Expired</span>
              ) : c.expiresSoon ? (
                <span className="badge badge-pending">{c.daysLeft} days left</span>
              ) : (
                <span className="badge badge-active">Valid, {c.daysLeft} days left</span>
              ),
          },
        ]}
      />
    </section>
  );
}

/** The attempt a test sign-in produced, as the steps Roster went through: passed, the one that refused, and those never reached. */
function Trace({ protocol, attempt }: { protocol: SsoProtocol; attempt: SignInAttempt }) {
  const steps = traceSteps(protocol, attempt);
  const ok = attempt.outcome === 'success';
  return (
    <div className={`alert trace-result ${ok ? 'alert-success' : 'alert-error'}`} role="status">
      <p className="alert-title">
        {ok ? `Test sign-in succeeded${attempt.email ? ` as ${attempt.email}` : ''}.` : 'Test sign-in was refused.'}
      </p>
      <ol className="trace" aria-label="Sign-in steps">
        {steps.map((s) => (
          <li key={s.label} className={`trace-${s.state}`}>
            <span aria-hidden="true">{s.state === 'passed' ? '✓' : s.state === 'failed' ? '✗' : '·'}</span> {s.label}
            <span className="visually-hidden">: {s.state === 'passed' ? 'passed' : s.state === 'failed' ? 'failed' : 'not reached'}</span>
            {s.state === 'failed' && attempt.reason && <span className="sub">{attempt.reason}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

function DeleteConnection({ conn, protocol, base }: { conn: SsoConnection; protocol: SsoProtocol; base: string }) {
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [deletion, del] = useMutation(protocol.deleteConnection);
  const onDelete = async () => {
    const r = await del({ id: conn.id }, { additionalTypenames: [protocol.typename] });
    if (r.error) return setError(r.error);
    navigate(base);
  };
  return (
    <section className="section" aria-labelledby="delete-h">
      <h2 id="delete-h">Delete</h2>
      <ErrorMessage error={error} title="The connection was not deleted" />
      {!confirm ? (
        <button type="button" className="button button-danger-quiet" onClick={() => setConfirm(true)}>
          Delete connection…
        </button>
      ) : (
        <div className="confirm" role="group" aria-label={`Confirm deleting ${conn.name}`}>
          <p>Sign-ins through {conn.name} stop at once.</p>
          <button type="button" className="button button-danger" disabled={deletion.fetching} onClick={() => void onDelete()} autoFocus>
            Delete {conn.name}
          </button>
          <button type="button" className="button" onClick={() => setConfirm(false)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { CopyField, ErrorMessage, SuccessMessage, formatDate, useTitle } from '@roster/console-sdk';
import { AddDomain, DomainsQuery, RemoveDomain, VerifyDomain, type DomainRow } from '../operations.ts';

const DOMAIN_TYPES = { additionalTypenames: ['Domain'] };

/** R4: a team claims an email domain, proves it with a DNS TXT record, and its people are routed to the team's SSO. */
export function Domains({ teamId }: { teamId: string }) {
  useTitle('Verified domains');
  const context = useMemo(() => DOMAIN_TYPES, []);
  const [result] = useQuery({ query: DomainsQuery, variables: { teamId }, requestPolicy: 'cache-and-network', context });
  const [domain, setDomain] = useState('');
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [adding, add] = useMutation(AddDomain);
  const [verifying, verify] = useMutation(VerifyDomain);
  const [, remove] = useMutation(RemoveDomain);
  const domains = result.data?.team.domains;

  const run = async (action: () => Promise<{ error?: CombinedError }>, message: string) => {
    setError(null);
    setDone(null);
    const r = await action();
    if (r.error) return setError(r.error);
    setDone(message);
  };
  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    const d = domain.trim();
    void run(async () => {
      const r = await add({ teamId, domain: d }, DOMAIN_TYPES);
      if (!r.error) setDomain('');
      return r;
    }, `${d} was added. Publish its TXT record, then press Verify.`);
  };

  return (
    <>
      <div className="page-head">
        <h1>Verified domains</h1>
      </div>
      <p>
        Sign-ins with an email in a verified domain go to this team’s SSO, and SSO may link or create members with those emails. Prove each
        domain is yours with a DNS TXT record.
      </p>
      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="That didn’t work" />
      <ErrorMessage error={result.error} title="Domains could not be loaded" />
      <section className="panel section" aria-labelledby="add-domain-h">
        <h2 id="add-domain-h">Add a domain</h2>
        <form className="inline-form" onSubmit={onAdd}>
          <div className="field field-grow">
            <label htmlFor="domain-name">Domain</label>
            <input id="domain-name" value={domain} placeholder="example.com" onChange={(e) => setDomain(e.target.value)} />
          </div>
          <button type="submit" className="button button-primary" disabled={!domain.trim() || adding.fetching}>
            Add domain
          </button>
        </form>
      </section>
      {domains && domains.length === 0 && <p className="muted">No domain yet.</p>}
      {domains?.map((d: DomainRow) => (
        <section key={d.id} className="panel section" aria-label={d.domain}>
          <div className="page-head">
            <h2>
              {d.domain}{' '}
              <span className={`badge ${d.verified ? 'badge-active' : 'badge-pending'}`}>{d.verified ? 'Verified' : 'Not verified'}</span>
            </h2>
          </div>
          {d.verified ? (
            <p>Verified {formatDate(d.verifiedAt)}. Its people are routed to this team’s SSO.</p>
          ) : (
            <>
              <p>Publish this TXT record at your DNS provider, wait for it to propagate (minutes, sometimes an hour), then verify.</p>
              <CopyField label="record name" value={`_roster-challenge.${d.domain}`} />
              <CopyField label="record value" value={d.txtRecord} testId="txt-record" />
            </>
          )}
          <div className="actions">
            {!d.verified && (
              <button
                type="button"
                className="button button-primary"
                disabled={verifying.fetching}
                onClick={() => void run(() => verify({ teamId, domainId: d.id }, DOMAIN_TYPES), `${d.domain} is verified.`)}
              >
                Verify<span className="visually-hidden"> {d.domain}</span>
              </button>
            )}
            <button
              type="button"
              className="button button-danger-quiet"
              onClick={() => void run(() => remove({ teamId, domainId: d.id }, DOMAIN_TYPES), `${d.domain} was removed.`)}
            >
              Remove<span className="visually-hidden"> {d.domain}</span>
            </button>
          </div>
        </section>
      ))}
    </>
  );
}

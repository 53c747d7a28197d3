import { useEffect, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { ErrorMessage, Link, SuccessMessage, formatDate, navigate, useTitle } from '@roster/console-sdk';
import { StatusBadge } from '../components/StatusBadge.tsx';
import {
  ChangeCreditLimit,
  ChangeRole,
  DeactivateMember,
  MemberQuery,
  ReactivateMember,
  RemoveMember,
  type MemberDetail,
} from '../operations.ts';
import { ROLE_LABEL, memberName } from '../format.ts';

type Role = MemberDetail['role'];
const ROLES: Role[] = ['owner', 'admin', 'member'];
// Removing returns a Boolean: name the type whose cached queries (the list) must refetch.
const MEMBER_TYPES = { additionalTypenames: ['Member'] };

export function MemberPage({ id }: { id: string }) {
  const [result] = useQuery({ query: MemberQuery, variables: { id }, requestPolicy: 'cache-and-network' });
  const member = result.data?.member;
  useTitle(member ? memberName(member) : 'Member');

  return (
    <>
      <p className="back">
        <Link to="/members">← All members</Link>
      </p>
      <ErrorMessage error={result.error} title="This member could not be loaded" />
      {!result.data && result.fetching && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {result.data && !member && (
        <div className="empty">
          <h1>Member not found</h1>
          <p>They may have been removed from the team.</p>
        </div>
      )}
      {member && <MemberView member={member} />}
    </>
  );
}

function MemberView({ member }: { member: MemberDetail }) {
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [role, setRole] = useState<Role>(member.role);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [deactivation, deactivate] = useMutation(DeactivateMember);
  const [reactivation, reactivate] = useMutation(ReactivateMember);
  const [removal, remove] = useMutation(RemoveMember);
  const [roleChange, changeRole] = useMutation(ChangeRole);
  const [creditChange, changeCredit] = useMutation(ChangeCreditLimit);
  const [credit, setCredit] = useState(String(member.creditLimit));
  const busy = deactivation.fetching || reactivation.fetching || removal.fetching || roleChange.fetching || creditChange.fetching;
  const inactive = member.status === 'inactive';
  const name = memberName(member);

  // A refetch (after a change here or elsewhere) resets the picker to the stored role.
  useEffect(() => setRole(member.role), [member.role]);
  useEffect(() => setCredit(String(member.creditLimit)), [member.creditLimit]);
  // The API answers BAD_USER_INPUT for anything else; the form says it first.
  const creditValue = /^\d{1,9}$/.test(credit.trim()) ? Number(credit.trim()) : null;

  async function run<T>(action: () => Promise<{ error?: CombinedError; data?: T }>, success: string): Promise<boolean> {
    setError(null);
    setDone(null);
    const r = await action();
    if (r.error) {
      setError(r.error);
      return false;
    }
    setDone(success);
    return true;
  }

  const onRemove = async () => {
    if (await run(() => remove({ id: member.id }, MEMBER_TYPES), `${name} was removed from the team.`)) navigate('/members');
  };

  return (
    <>
      <div className="page-head member-head">
        <div>
          <h1>
            {name} <StatusBadge status={member.status} />
          </h1>
          <p className="muted">{member.email ?? member.userName}</p>
        </div>
      </div>

      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="The change was refused" />

      {inactive && (
        <div className="alert alert-warning">
          <p className="alert-title">Inactive since {formatDate(member.deactivatedAt)}</p>
          <p>
            Inactive members can’t sign in and hold no license seats. Their role and credit limit stay as they are until they are
            reactivated.
          </p>
        </div>
      )}

      <div className="grid">
        <section className="panel" aria-labelledby="details-h">
          <h2 id="details-h">Details</h2>
          <dl className="details">
            <dt>User name</dt>
            <dd>{member.userName}</dd>
            <dt>Email</dt>
            <dd>{member.email ?? '—'}</dd>
            <dt>Role</dt>
            <dd>{ROLE_LABEL[member.role]}</dd>
            <dt>Credit limit</dt>
            <dd>{member.creditLimit}</dd>
            {member.externalId && (
              <>
                <dt>External id</dt>
                <dd>
                  <code>{member.externalId}</code>
                </dd>
              </>
            )}
            <dt>Member since</dt>
            <dd>{formatDate(member.createdAt)}</dd>
            <dt>Last changed</dt>
            <dd>{formatDate(member.updatedAt)}</dd>
          </dl>
        </section>

        <section className="panel" aria-labelledby="role-h">
          <h2 id="role-h">Role</h2>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => changeRole({ id: member.id, role }), `${name} is now ${ROLE_LABEL[role].toLowerCase()}.`);
            }}
          >
            <div className="field">
              <label htmlFor="role">Role in the team</label>
              <select
                id="role"
                value={role}
                disabled={inactive || busy}
                aria-describedby={inactive ? 'role-frozen' : undefined}
                onChange={(e) => setRole(e.target.value as Role)}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button" disabled={inactive || busy || role === member.role}>
              Change role
            </button>
          </form>
          {inactive && (
            <p id="role-frozen" className="hint">
              The role of an inactive member can’t change. Reactivate {name} first.
            </p>
          )}
        </section>

        <section className="panel" aria-labelledby="credit-h">
          <h2 id="credit-h">Credit limit</h2>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (creditValue === null) return;
              void run(() => changeCredit({ id: member.id, creditLimit: creditValue }), `${name}’s credit limit is now ${creditValue}.`);
            }}
          >
            <div className="field">
              <label htmlFor="credit">Credit limit</label>
              <input
                id="credit"
                inputMode="numeric"
                value={credit}
                disabled={inactive || busy}
                aria-invalid={creditValue === null}
                aria-describedby={inactive ? 'credit-frozen' : creditValue === null ? 'credit-invalid' : undefined}
                onChange={(e) => setCredit(e.target.value)}
              />
            </div>
            <button
              type="submit"
              className="button"
              disabled={inactive || busy || creditValue === null || creditValue === member.creditLimit}
            >
              Change credit limit
            </button>
          </form>
          {inactive && (
            <p id="credit-frozen" className="hint">
              The credit limit of an inactive member can’t change. Reactivate {name} first.
            </p>
          )}
          {!inactive && creditValue === null && (
            <p id="credit-invalid" className="hint">
              A whole number, 0 or more.
            </p>
          )}
        </section>

        <section className="panel" aria-labelledby="groups-h">
          <h2 id="groups-h">Groups</h2>
          {member.groups.length === 0 ? (
            <p className="muted">Not in any group.</p>
          ) : (
            <ul className="list">
              {member.groups.map((g) => (
                <li key={g.id}>
                  {g.displayName}
                  {g.licenseType && <span className="sub">grants {g.licenseType.name}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="panel" aria-labelledby="licenses-h">
          <h2 id="licenses-h">Licenses</h2>
          {member.licenses.length === 0 ? (
            <p className="muted">No licenses.</p>
          ) : (
            <ul className="list">
              {member.licenses.map((l) => (
                <li key={l.licenseType.id}>
                  {l.licenseType.name}
                  <span className={`badge ${l.state === 'GRANTED' ? 'badge-active' : 'badge-pending'}`}>
                    {l.state === 'GRANTED' ? 'Granted' : 'Waiting for a seat'}
                  </span>
                  <span className="sub">
                    {l.state === 'GRANTED' ? `since ${formatDate(l.grantedAt)}` : `requested ${formatDate(l.requestedAt)}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="panel panel-danger" aria-labelledby="access-h">
        <h2 id="access-h">Access</h2>
        <div className="actions">
          {inactive ? (
            <div className="action">
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void run(() => reactivate({ id: member.id }), `${name} is active again.`)}
              >
                Reactivate
              </button>
              <p className="hint">They can sign in again; licenses they requested get seats as seats are free.</p>
            </div>
          ) : (
            <div className="action">
              <button
                type="button"
                className="button button-danger"
                disabled={busy}
                onClick={() => void run(() => deactivate({ id: member.id }), `${name} was deactivated.`)}
              >
                Deactivate
              </button>
              <p className="hint">Signs them out everywhere and frees their license seats. Their data stays.</p>
            </div>
          )}
          <div className="action">
            {!confirmRemove ? (
              <button type="button" className="button button-danger-quiet" disabled={busy} onClick={() => setConfirmRemove(true)}>
                Remove from team…
              </button>
            ) : (
              <div className="confirm" role="group" aria-label="Confirm removal">
                <p>Remove {name} from the team? Data they own stays with the team.</p>
                <button type="button" className="button button-danger" disabled={busy} onClick={() => void onRemove()} autoFocus>
                  Remove {name}
                </button>
                <button type="button" className="button" onClick={() => setConfirmRemove(false)}>
                  Cancel
                </button>
              </div>
            )}
          </div>
        </div>
      </section>
    </>
  );
}

import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorMessage, Link, navigate, useLocation, useTitle } from '@roster/console-sdk';
import { Pager, useCursors } from '../components/Pager.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { MembersQuery } from '../operations.ts';
import { ROLE_LABEL, memberName } from '../format.ts';

const PAGE_SIZE = 25;
type Status = 'active' | 'inactive';

/**
 * Search and status filter live in the URL (back from a member page restores them); paging
 * follows the API's keyset cursors forward, and keeps the cursors seen to step back.
 */
export function Members({ teamId }: { teamId: string }) {
  useTitle('Members');
  const { query } = useLocation();
  const search = query.get('q') ?? '';
  const status = (['active', 'inactive'].includes(query.get('status') ?? '') ? query.get('status') : null) as Status | null;
  const [typed, setTyped] = useState(search);
  const pages = useCursors();
  const after = pages.after;

  // Typing settles for a moment before the search runs.
  useEffect(() => {
    if (typed === search) return;
    const timer = setTimeout(() => setFilters(typed, status), 250);
    return () => clearTimeout(timer);
  });

  function setFilters(q: string, s: Status | null) {
    const params = new URLSearchParams();
    if (q.trim()) params.set('q', q.trim());
    if (s) params.set('status', s);
    const qs = params.toString();
    pages.reset();
    navigate(`/members${qs ? `?${qs}` : ''}`, { replace: true });
  }

  const filter = { ...(search ? { search } : {}), ...(status ? { status } : {}) };
  const [result] = useQuery({
    query: MembersQuery,
    variables: { teamId, first: PAGE_SIZE, after, filter },
    requestPolicy: 'cache-and-network',
  });
  const members = result.data?.team.members;
  const pageIndex = pages.index;
  const from = pageIndex * PAGE_SIZE;

  return (
    <>
      <div className="page-head">
        <h1>Members</h1>
        {members && (
          <p className="muted" aria-live="polite">
            {countLabel(members.totalCount, Boolean(search || status))}
          </p>
        )}
      </div>

      <form
        role="search"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(typed, status);
        }}
      >
        <div className="field field-grow">
          <label htmlFor="member-search">Search</label>
          <input
            id="member-search"
            type="search"
            placeholder="Name, user name or email"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="member-status">Status</label>
          <select id="member-status" value={status ?? ''} onChange={(e) => setFilters(typed, (e.target.value || null) as Status | null)}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
          </select>
        </div>
      </form>

      <ErrorMessage error={result.error} title="Members could not be loaded" />
      {!members && result.fetching && (
        <p className="muted" role="status">
          Loading members…
        </p>
      )}

      {members && members.edges.length === 0 && (
        <div className="empty">
          <p>
            No members match{search ? <> “{search}”</> : null}
            {status ? ` among ${status} members` : ''}.
          </p>
        </div>
      )}

      {members && members.edges.length > 0 && (
        <div className="table-wrap">
          <table className="table members-table">
            <caption className="visually-hidden">Members of the team</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {members.edges.map(({ node: m }) => (
                <tr key={m.id}>
                  <td data-label="Name">
                    <Link to={`/members/${m.id}`} className="member-link">
                      {memberName(m)}
                    </Link>
                    {memberName(m) !== m.userName && m.userName !== m.email && <span className="sub">{m.userName}</span>}
                  </td>
                  <td data-label="Email">{m.email ?? '—'}</td>
                  <td data-label="Role">{ROLE_LABEL[m.role]}</td>
                  <td data-label="Status">
                    <StatusBadge status={m.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {members && members.totalCount > 0 && (
        <Pager
          label={
            <>
              {from + 1}–{from + members.edges.length} of {members.totalCount}
            </>
          }
          hasPrevious={pageIndex > 0}
          hasNext={members.pageInfo.hasNextPage}
          onPrevious={pages.previous}
          onNext={() => pages.next(members.pageInfo.endCursor)}
        />
      )}
    </>
  );
}

function countLabel(n: number, filtered: boolean): string {
  const noun = n === 1 ? 'member' : 'members';
  return filtered ? `${n} ${noun} ${n === 1 ? 'matches' : 'match'}` : `${n} ${noun}`;
}

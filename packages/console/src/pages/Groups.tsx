import { useEffect, useState } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { ErrorMessage, Link, SuccessMessage, formatDate, useTitle } from '@roster/console-sdk';
import { memberName } from '../format.ts';
import { GroupsAndLicensesQuery, LinkGroupToLicense, SetLicenseSeats, UnlinkGroup, type GroupRow, type LicenseRow } from '../operations.ts';

export type Outcome = { error: CombinedError | null; done: string | null };
type Report = (o: Outcome) => void;
/** What the license picker needs of a license type (a setup link reads no more: setup-scope.ts). */
type LicenseChoice = Pick<LicenseRow, 'id' | 'name'>;

/** How many of each waitlist the page shows (the API pages it; the rest is counted). */
const WAITING_SHOWN = 10;

/**
 * License types with their seats (bought, used, waiting), the waitlist in grant order, buying
 * more, and which group grants which license. The mutations return `License` and `Group`, so
 * urql refetches this page's query by itself: the counts and the waitlist shown are always the
 * server's, and those granted a bought seat leave the top of the list.
 */
export function Groups({ teamId }: { teamId: string }) {
  useTitle('Groups & licenses');
  const [result] = useQuery({
    query: GroupsAndLicensesQuery,
    variables: { teamId, waiting: WAITING_SHOWN },
    requestPolicy: 'cache-and-network',
  });
  const [outcome, setOutcome] = useState<Outcome>({ error: null, done: null });
  const team = result.data?.team;

  return (
    <>
      <div className="page-head">
        <h1>Groups &amp; licenses</h1>
      </div>
      <SuccessMessage message={outcome.done} />
      <ErrorMessage error={outcome.error} title="The change was refused" />
      <ErrorMessage error={result.error} title="Groups and licenses could not be loaded" />
      {!team && result.fetching && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {team && (
        <>
          <section aria-labelledby="licenses-h" className="section">
            <h2 id="licenses-h">Licenses</h2>
            {team.licenses.length === 0 ? (
              <p className="muted">This team has no license types.</p>
            ) : (
              <div className="license-grid">
                {team.licenses.map((l) => (
                  <LicenseCard key={l.id} teamId={teamId} license={l} report={setOutcome} />
                ))}
              </div>
            )}
          </section>
          <section aria-labelledby="groups-h" className="section">
            <h2 id="groups-h">Groups</h2>
            <p className="hint">
              Members of a group linked to a license request a seat of it; leaving the group frees the seat. A license is granted by one
              group at most.
            </p>
            <GroupsTable groups={team.groups} licenses={team.licenses} report={setOutcome} />
          </section>
        </>
      )}
    </>
  );
}

function LicenseCard({ teamId, license: l, report }: { teamId: string; license: LicenseRow; report: Report }) {
  const [count, setCount] = useState('1');
  const [buying, buy] = useMutation(SetLicenseSeats);
  const n = Number(count);
  const valid = Number.isInteger(n) && n > 0;
  const inputId = `buy-${l.id}`;

  const onBuy = async () => {
    report({ error: null, done: null });
    // The new seats go to the top of the waitlist (the API lists it in grant order): say to whom.
    const free = Math.max(0, l.purchased - l.used);
    const served = l.waitlist.edges.slice(0, Math.max(0, n - free)).map((e) => memberName(e.node.member));
    const more = Math.min(l.waitlist.totalCount, Math.max(0, n - free)) - served.length;
    const r = await buy({ teamId, licenseTypeId: l.id, seats: l.purchased + n });
    if (r.error) report({ error: r.error, done: null });
    else {
      const to = served.length ? ` Granted to ${served.join(', ')}${more > 0 ? ` and ${more} more` : ''}.` : '';
      report({ error: null, done: `${n} ${n === 1 ? 'seat' : 'seats'} of ${l.name} bought.${to}` });
      setCount('1');
    }
  };

  return (
    <article className="panel license" aria-labelledby={`license-${l.id}`}>
      <h3 id={`license-${l.id}`}>{l.name}</h3>
      <dl className="seats">
        <div>
          <dt>Bought</dt>
          <dd>{l.purchased}</dd>
        </div>
        <div>
          <dt>Used</dt>
          <dd>{l.used}</dd>
        </div>
        <div>
          <dt>Free</dt>
          <dd>{l.available}</dd>
        </div>
        <div className={l.pending > 0 ? 'seats-waiting' : undefined}>
          <dt>Waiting</dt>
          <dd>{l.pending}</dd>
        </div>
      </dl>
      {l.pending > 0 && (
        <p className="hint">
          {l.pending} {l.pending === 1 ? 'member is' : 'members are'} waiting for a seat; new seats go to them, oldest request first.
        </p>
      )}
      {l.waitlist.edges.length > 0 && <WaitlistTable license={l} />}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void onBuy();
        }}
      >
        <div className="field field-narrow">
          <label htmlFor={inputId}>
            Seats to buy<span className="visually-hidden"> for {l.name}</span>
          </label>
          <input id={inputId} type="number" min={1} step={1} inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={!valid || buying.fetching}>
          Buy seats<span className="visually-hidden"> of {l.name}</span>
        </button>
      </form>
    </article>
  );
}

/**
 * The team's groups, their member counts and the license each grants, with a picker to link or
 * unlink it. Also the setup portal's "Map groups to licenses" step (SetupGroups.tsx).
 */
export function GroupsTable({ groups, licenses, report }: { groups: GroupRow[]; licenses: LicenseChoice[]; report: Report }) {
  if (groups.length === 0) return <p className="muted">This team has no groups.</p>;
  return (
    <div className="table-wrap">
      <table className="table groups-table">
        <caption className="visually-hidden">Groups of the team</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Members</th>
            <th scope="col">License</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <GroupRowView key={g.id} group={g} groups={groups} licenses={licenses} report={report} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Who waits for a seat, first in line first: the order the next seats are granted in. */
function WaitlistTable({ license: l }: { license: LicenseRow }) {
  const rest = l.waitlist.totalCount - l.waitlist.edges.length;
  return (
    <div className="waitlist">
      <h4 id={`waitlist-${l.id}`}>Waiting for a seat</h4>
      <table className="table waitlist-table" aria-labelledby={`waitlist-${l.id}`} aria-describedby={`license-${l.id}`}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Member</th>
            <th scope="col">Requested</th>
          </tr>
        </thead>
        <tbody>
          {l.waitlist.edges.map(({ node: w }) => (
            <tr key={w.member.id}>
              <td data-label="#">{w.position}</td>
              <td data-label="Member">
                <Link to={`/members/${w.member.id}`}>{memberName(w.member)}</Link>
              </td>
              <td data-label="Requested">{formatDate(w.requestedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rest > 0 && <p className="hint">{rest} more waiting after them.</p>}
    </div>
  );
}

function GroupRowView({
  group: g,
  groups,
  licenses,
  report,
}: {
  group: GroupRow;
  groups: GroupRow[];
  licenses: LicenseChoice[];
  report: Report;
}) {
  const current = g.licenseType?.id ?? '';
  const [choice, setChoice] = useState(current);
  const [linking, link] = useMutation(LinkGroupToLicense);
  const [unlinking, unlink] = useMutation(UnlinkGroup);
  const busy = linking.fetching || unlinking.fetching;
  const selectId = `link-${g.id}`;
  // A refetch (after a change here or elsewhere) resets the picker to the stored link.
  useEffect(() => setChoice(current), [current]);

  const onSave = async () => {
    report({ error: null, done: null });
    const r = choice ? await link({ id: g.id, licenseTypeId: choice }) : await unlink({ id: g.id });
    if (r.error) {
      report({ error: r.error, done: null });
      setChoice(current);
      return;
    }
    const name = licenses.find((l) => l.id === choice)?.name;
    report({ error: null, done: name ? `${g.displayName} now grants ${name}.` : `${g.displayName} no longer grants a license.` });
  };

  return (
    <tr>
      <td data-label="Group">
        <strong>{g.displayName}</strong>
        {g.externalId && <span className="sub">from the IdP ({g.externalId})</span>}
      </td>
      <td data-label="Members">
        {g.memberCount} {g.memberCount === 1 ? 'member' : 'members'}
      </td>
      <td data-label="License">
        <form
          className="link-form"
          onSubmit={(e) => {
            e.preventDefault();
            void onSave();
          }}
        >
          <label htmlFor={selectId} className="visually-hidden">
            License for {g.displayName}
          </label>
          <select id={selectId} value={choice} disabled={busy} onChange={(e) => setChoice(e.target.value)}>
            <option value="">No license</option>
            {licenses.map((l) => {
              // A license type is granted by one group at most (the API refuses a second link).
              const holder = groups.find((o) => o.id !== g.id && o.licenseType?.id === l.id);
              return (
                <option key={l.id} value={l.id} disabled={Boolean(holder)}>
                  {holder ? `${l.name} (linked to ${holder.displayName})` : l.name}
                </option>
              );
            })}
          </select>
          <button type="submit" className="button" disabled={busy || choice === current}>
            Save<span className="visually-hidden"> license for {g.displayName}</span>
          </button>
        </form>
      </td>
    </tr>
  );
}

import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { DataTable, ErrorMessage, Link, formatDate, navigate, useTitle } from '@roster/console-sdk';
import { CreateTeam, TeamsQuery, type TeamRow } from '../operations.ts';

const TEAM_TYPES = { additionalTypenames: ['Team'] };

/** Lower-case letters, digits and dashes, from a name: a suggestion the admin can change. */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/**
 * Platform admins: every team (the API lists up to 1000, oldest first), find one (the API
 * searches names and slugs, so any team is found however many there are), create one, and open
 * a team's pages under `/teams/<id>`.
 */
export function Teams() {
  useTitle('Teams');
  const context = useMemo(() => TEAM_TYPES, []);
  const [result] = useQuery({ query: TeamsQuery, variables: { search: null }, context });
  const [find, setFind] = useState('');
  const needle = find.trim();
  const [found] = useQuery({ query: TeamsQuery, variables: { search: needle }, context, pause: !needle });
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [creation, create] = useMutation(CreateTeam);
  const teams = needle ? found.data?.teams : result.data?.teams;

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const r = await create({ name: name.trim(), slug: slug.trim() }, TEAM_TYPES);
    if (r.error || !r.data) return setError(r.error ?? null);
    navigate(`/teams/${r.data.createTeam.id}/members`, { unscoped: true });
  };

  return (
    <>
      <div className="page-head">
        <h1>Teams</h1>
        {result.data && teams && (
          <p className="muted" aria-live="polite">
            {needle ? `${teams.length} of ${result.data.teams.length} teams` : `${result.data.teams.length} teams`}
          </p>
        )}
      </div>
      <form role="search" className="filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field field-grow">
          <label htmlFor="team-find">Find a team</label>
          <input id="team-find" type="search" placeholder="Name or slug" value={find} onChange={(e) => setFind(e.target.value)} />
        </div>
      </form>
      <ErrorMessage error={result.error ?? found.error} title="Teams could not be loaded" />
      {teams && teams.length === 0 && <p className="empty">No team matches “{find}”.</p>}
      {teams && teams.length > 0 && (
        <DataTable<TeamRow>
          caption="Teams, oldest first"
          rows={teams}
          rowKey={(tm) => tm.id}
          columns={[
            {
              label: 'Name',
              cell: (tm) => (
                <Link to={`/teams/${tm.id}/members`} unscoped className="member-link">
                  {tm.name}
                </Link>
              ),
            },
            { label: 'Slug', cell: (tm) => <code>{tm.slug}</code> },
            { label: 'Created', cell: (tm) => formatDate(tm.createdAt) },
          ]}
        />
      )}
      <section className="panel section" aria-labelledby="new-team-h">
        <h2 id="new-team-h">New team</h2>
        <ErrorMessage error={error} title="The team was not created" />
        <form className="inline-form" onSubmit={(e) => void onCreate(e)}>
          <div className="field field-grow">
            <label htmlFor="team-name">Name</label>
            <input
              id="team-name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (!slugEdited) setSlug(slugOf(e.target.value));
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="team-slug">Slug</label>
            <input
              id="team-slug"
              value={slug}
              aria-describedby="team-slug-hint"
              onChange={(e) => {
                setSlug(e.target.value);
                setSlugEdited(true);
              }}
            />
          </div>
          <button type="submit" className="button button-primary" disabled={!name.trim() || !slug.trim() || creation.fetching}>
            Create team
          </button>
        </form>
        <p className="hint" id="team-slug-hint">
          The slug names the team in URLs (SCIM base URL, sign-in links).
        </p>
      </section>
    </>
  );
}

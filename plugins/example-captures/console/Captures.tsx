import { useQuery } from 'urql';
import { DataTable, ErrorMessage, formatDate, graphql, useTitle, type PageProps, type ResultOf } from '@roster/console-sdk';

// This plugin's own field (`Team.captures`, src/resolver.ts), typed from Roster's schema.
const CapturesQuery = graphql(`
  query Captures($teamId: ID!) {
    team(id: $teamId) {
      id
      captures {
        id
        title
        ownerUserName
        createdAt
      }
    }
  }
`);

type CaptureRow = ResultOf<typeof CapturesQuery>['team']['captures'][number];

/** The team's captures, newest last, with the CSV export this plugin also serves. */
export function Captures({ teamId }: PageProps) {
  useTitle('Captures');
  const [result] = useQuery({ query: CapturesQuery, variables: { teamId }, requestPolicy: 'cache-and-network' });
  const captures = result.data?.team.captures;
  return (
    <>
      <div className="page-head">
        <h1>Captures</h1>
        <a className="button" href={`/example-captures/teams/${encodeURIComponent(teamId)}/captures.csv`} download>
          Export CSV
        </a>
      </div>
      <p className="hint">Lead captures recorded by the team’s members, kept when a member leaves (the example-captures plugin).</p>
      <ErrorMessage error={result.error} title="Captures could not be loaded" />
      {!captures && result.fetching && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {captures && captures.length === 0 && <p className="muted">No capture yet.</p>}
      {captures && captures.length > 0 && (
        <DataTable<CaptureRow>
          caption="The team’s captures"
          rows={captures}
          rowKey={(c) => c.id}
          columns={[
            { label: 'Title', cell: (c) => c.title },
            { label: 'Captured by', cell: (c) => c.ownerUserName },
            { label: 'When', cell: (c) => formatDate(c.createdAt) },
          ]}
        />
      )}
    </>
  );
}

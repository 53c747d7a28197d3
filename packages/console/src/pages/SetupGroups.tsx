import { useState } from 'react';
import { useQuery } from 'urql';
import { ErrorMessage, SuccessMessage, useTitle } from '@roster/console-sdk';
import { SetupGroupsQuery } from '../operations.ts';
import { GroupsTable, type Outcome } from './Groups.tsx';

/**
 * The setup portal's "Map groups to licenses" step (a link with the `scim` scope): the groups the
 * IdP pushed, next to the team's own, each linked to a license type with the Groups page's picker.
 * Linking a group makes its members request that license (R13).
 */
export function SetupGroups({ teamId }: { teamId: string }) {
  useTitle('Map groups to licenses');
  const [result] = useQuery({ query: SetupGroupsQuery, variables: { teamId }, requestPolicy: 'cache-and-network' });
  const [outcome, setOutcome] = useState<Outcome>({ error: null, done: null });
  const team = result.data?.team;
  // The IdP's groups first: they are what this step is for.
  const groups = team ? [...team.groups.filter((g) => g.externalId), ...team.groups.filter((g) => !g.externalId)] : [];
  const pushed = team?.groups.filter((g) => g.externalId).length ?? 0;

  return (
    <>
      <div className="page-head">
        <h1>Map groups to licenses</h1>
      </div>
      <p className="hint">
        Members of a group linked to a license ask for a seat of it, and are granted one while seats are free (the rest wait, oldest request
        first). A license is granted by one group at most: to give it to one of your groups, first set the group that holds it to “No
        license”.
      </p>
      <SuccessMessage message={outcome.done} />
      <ErrorMessage error={outcome.error} title="The change was refused" />
      <ErrorMessage error={result.error} title="Groups could not be loaded" />
      {!team && result.fetching && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {team && pushed === 0 && (
        <p className="muted">Your identity provider has not pushed any group yet: assign groups to the app in it and they appear here.</p>
      )}
      {team && <GroupsTable groups={groups} licenses={team.licenses} report={setOutcome} />}
    </>
  );
}

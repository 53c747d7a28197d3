// The IdP side of the SCIM load, loaded by the load generator's child process (bench/lib/load-child.mjs
// imports a target's `requestsModule` and calls `requests(requestsOptions)`): autocannon requests whose
// `setupRequest` builds each SCIM request as it is sent, so the load goes straight to Roster's routes
// over HTTP and nothing of the client runs in the server's process.
//
// The writes are spread over many members and groups the way an IdP's traffic is spread (50
// connections cycling through one fixed request list would all toggle the same member at once):
// - `lookup`: `GET /Users?filter=userName eq "…"` of the next member;
// - `create`: `POST /Users` of a new person (a unique userName each time);
// - `deactivate` / `reactivate`: Okta's pathless replace of `active` on the next member without a
//   license, and later back on one whose deactivation has completed (a lookup when none has);
// - `groupAdd` / `groupRemove`: add the next member to one of the run's groups, and later remove a
//   completed addition (a lookup when none has).
// Completions are known from `onResponse` (2xx), per connection, so a member is never reactivated
// or removed before its first request has been answered.
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** A new person as Okta pushes one; `id` makes the userName unique. */
export function newUser(id) {
  const userName = `scim-${id}@bench.roster.test`;
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Bench', familyName: 'Created' },
    emails: [{ value: userName, type: 'work', primary: true }],
    displayName: 'Bench Created',
    active: true,
  };
}

/**
 * @param {{ base: string, headers: Record<string, string>, members: Array<{ id: string, user_name: string }>, groups: string[], cycle: string[] }} o
 * `base` is the team's SCIM path (`/scim/v2/bench`).
 */
export function requests({ base, headers, members, groups, cycle }) {
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  let counter = 0;
  let next = 0;
  const pick = () => members[next++ % members.length];
  const deactivated = [];
  const added = [];
  const patchBody = (...ops) => JSON.stringify({ schemas: [PATCH_OP], Operations: ops });
  const lookup = () => ({ method: 'GET', path: `${base}/Users?filter=${encodeURIComponent(`userName eq "${pick().user_name}"`)}` });
  const build = {
    lookup,
    create: () => ({ method: 'POST', path: `${base}/Users`, body: JSON.stringify(newUser(`${run}-${(counter++).toString(36)}`)) }),
    deactivate: () => {
      const m = pick();
      return {
        method: 'PATCH',
        path: `${base}/Users/${m.id}`,
        body: patchBody({ op: 'replace', value: { active: false } }),
        done: () => deactivated.push(m),
      };
    },
    reactivate: () => {
      const m = deactivated.shift();
      return m ? { method: 'PATCH', path: `${base}/Users/${m.id}`, body: patchBody({ op: 'replace', value: { active: true } }) } : lookup();
    },
    groupAdd: () => {
      const m = pick();
      const g = groups[next % groups.length];
      return {
        method: 'PATCH',
        path: `${base}/Groups/${g}`,
        body: patchBody({ op: 'add', path: 'members', value: [{ value: m.id, display: m.user_name }] }),
        done: () => added.push([g, m]),
      };
    },
    groupRemove: () => {
      const pair = added.shift();
      return pair
        ? {
            method: 'PATCH',
            path: `${base}/Groups/${pair[0]}`,
            body: patchBody({ op: 'remove', path: `members[value eq "${pair[1].id}"]` }),
          }
        : lookup();
    },
  };
  return cycle.map((op) => {
    const make = build[op];
    if (!make) throw new Error(`unknown SCIM load op "${op}"`);
    return {
      setupRequest(req, context) {
        const { done, ...r } = make();
        context.done = done;
        // Fresh headers every time: autocannon writes Content-Length into the object it is given.
        return { ...req, method: r.method, path: r.path, headers: { ...headers }, body: r.body ?? '' };
      },
      onResponse(status, _body, context) {
        if (status >= 200 && status < 300) context.done?.();
        context.done = undefined;
      },
    };
  });
}

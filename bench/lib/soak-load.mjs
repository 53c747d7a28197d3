// The soak's load: one HTTP request → one recorded outcome, and the mixed IdP + console + sign-in
// traffic spread round robin over the nodes at a bounded rate, retrying nothing.
import { QUERY as MEMBERS_PAGE } from '../scenarios/members-page.mjs';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends one request and classifies what came back:
 * - `ok` (the status the operation expects, and no GraphQL `errors`);
 * - `answered`: an HTTP answer that is not ok — `kind` is `HTTP <status> <code>` (SCIM `scimType`
 *   or `SCIM error` without one, Roster's `error`, or the first GraphQL `extensions.code`);
 * - `unsent`: the connection was refused (nothing listening), so the request was never delivered;
 * - `unknown`: no answer (socket error or timeout) — for a write, whether it happened is unknown.
 * Times are ms since `t0` (performance.now()).
 */
export async function send(node, op, { method, path, headers, body }, { t0, timeoutMs, expect }) {
  const start = performance.now() - t0;
  const out = { op, node: node.name, start, end: 0, status: 0, result: 'ok', kind: 'ok', json: null };
  try {
    const res = await fetch(`${node.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    out.status = res.status;
    try {
      out.json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    const gqlCode = out.json?.errors?.[0]?.extensions?.code;
    if ((expect === '2xx' ? res.status >= 200 && res.status < 300 : res.status === expect) && !gqlCode) return out;
    const scim = Array.isArray(out.json?.schemas) && out.json.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error');
    const code = gqlCode ?? out.json?.scimType ?? out.json?.error ?? (scim ? 'SCIM error' : '');
    out.result = 'answered';
    out.kind = `HTTP ${res.status}${code ? ` ${code}` : ''}`;
    return out;
  } catch (e) {
    const code = e?.cause?.code ?? e?.cause?.name ?? e?.name ?? 'error';
    // A refused connection never carried the request: nothing was written.
    out.result = code === 'ECONNREFUSED' ? 'unsent' : 'unknown';
    out.kind = e?.name === 'TimeoutError' ? 'timeout' : `socket ${code}`;
    return out;
  } finally {
    out.end = performance.now() - t0;
  }
}

/**
 * The traffic of one soak, as a cycle of operations (each worker takes the next):
 * - `read`: the admin console's members page over GraphQL (bearer session);
 * - `create`: SCIM POST /Users of a new person (unique, recorded userName);
 * - `deactivate` / `reactivate`: SCIM PATCH `active` of a person this run created, the
 *   reactivation only after the deactivation was answered;
 * - `groupAdd` / `groupRemove`: SCIM PATCH of one of the run's groups adding a person this run
 *   created (a different set from the toggled ones: inactive people cannot change groups), and
 *   later removing them;
 * - `signin`: password sign-in (POST /auth/login; scrypt, so kept rare);
 * - `lookup`: SCIM GET /Users?filter=userName eq — also what an op sends when it has nobody to work on.
 * A person whose write got no answer leaves the pools (its state is unknown from then on); after
 * any other failure they go back to where they were (the state is unchanged, which the check verifies).
 * Every write is kept in `writes` for the consistency check.
 */
export function soakTraffic({ run, teamId, sessionToken, scimToken, scimBase, signIn, groups }) {
  const scimHeaders = { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' };
  const patch = (...ops) => JSON.stringify({ schemas: [PATCH_OP], Operations: ops });
  let created = 0;
  let lookups = 0;
  const toggle = []; // active, created by this run, free
  const inactive = []; // deactivated by this run, free
  const groupFree = []; // active, created by this run, in none of the run's groups, free
  const inGroup = []; // [groupId, person], free
  const writes = { creates: [], patches: [] };
  const known = [];

  const lookup = () => {
    const who = known.length ? known[lookups++ % known.length] : signIn.email;
    return {
      op: 'lookup',
      expect: 200,
      req: { method: 'GET', path: `${scimBase}/Users?filter=${encodeURIComponent(`userName eq "${who}"`)}`, headers: scimHeaders },
    };
  };
  const patchPerson = (op, person, body, then, back) => ({
    op,
    expect: '2xx',
    req: { method: 'PATCH', path: `${scimBase}/Users/${person.id}`, headers: scimHeaders, body },
    done(o) {
      writes.patches.push({ op, id: person.id, outcome: o.result, kind: o.kind, status: o.status });
      if (o.result === 'ok') then();
      else if (o.result !== 'unknown') back();
    },
  });
  const build = {
    read: () => ({
      op: 'read',
      expect: 200,
      req: {
        method: 'POST',
        path: '/graphql',
        headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: MEMBERS_PAGE, variables: { teamId } }),
      },
    }),
    lookup,
    create: () => {
      const n = created++;
      const userName = `soak-${run}-${n}@soak.roster.test`;
      const body = {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: 'Soak', familyName: `Person ${n}` },
        emails: [{ value: userName, type: 'work', primary: true }],
        active: true,
      };
      return {
        op: 'create',
        expect: 201,
        req: { method: 'POST', path: `${scimBase}/Users`, headers: scimHeaders, body: JSON.stringify(body) },
        done(o) {
          writes.creates.push({ userName, outcome: o.result, kind: o.kind, status: o.status, id: o.json?.id ?? null });
          if (o.result !== 'ok') return;
          const person = { id: o.json.id, userName };
          known.push(userName);
          (n % 2 === 0 ? toggle : groupFree).push(person);
        },
      };
    },
    deactivate: () => {
      const p = toggle.shift();
      return p
        ? patchPerson(
            'deactivate',
            p,
            patch({ op: 'replace', value: { active: false } }),
            () => inactive.push(p),
            () => toggle.push(p),
          )
        : lookup();
    },
    reactivate: () => {
      const p = inactive.shift();
      return p
        ? patchPerson(
            'reactivate',
            p,
            patch({ op: 'replace', value: { active: true } }),
            () => toggle.push(p),
            () => inactive.push(p),
          )
        : lookup();
    },
    groupAdd: () => {
      const p = groupFree.shift();
      if (!p) return lookup();
      const g = groups[created % groups.length];
      return {
        op: 'groupAdd',
        expect: '2xx',
        req: {
          method: 'PATCH',
          path: `${scimBase}/Groups/${g}`,
          headers: scimHeaders,
          body: patch({ op: 'add', path: 'members', value: [{ value: p.id }] }),
        },
        done(o) {
          writes.patches.push({ op: 'groupAdd', id: p.id, group: g, outcome: o.result, kind: o.kind, status: o.status });
          if (o.result === 'ok') inGroup.push([g, p]);
          else if (o.result !== 'unknown') groupFree.push(p);
        },
      };
    },
    groupRemove: () => {
      const pair = inGroup.shift();
      if (!pair) return lookup();
      const [g, p] = pair;
      return {
        op: 'groupRemove',
        expect: '2xx',
        req: {
          method: 'PATCH',
          path: `${scimBase}/Groups/${g}`,
          headers: scimHeaders,
          body: patch({ op: 'remove', path: `members[value eq "${p.id}"]` }),
        },
        done(o) {
          writes.patches.push({ op: 'groupRemove', id: p.id, group: g, outcome: o.result, kind: o.kind, status: o.status });
          if (o.result === 'ok') groupFree.push(p);
          else if (o.result !== 'unknown') inGroup.push(pair);
        },
      };
    },
    signin: () => ({
      op: 'signin',
      expect: 200,
      req: {
        method: 'POST',
        path: '/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: signIn.email, password: signIn.password }),
      },
    }),
  };
  // 21 slots: 7 reads, 4 creates, 2 + 2 activity toggles, 2 + 2 group changes, 1 sign-in, 1 lookup.
  // An odd length, so that with round robin over two nodes each operation goes to both in turn.
  const cycle = [
    'read',
    'create',
    'deactivate',
    'read',
    'groupAdd',
    'create',
    'read',
    'reactivate',
    'lookup',
    'groupRemove',
    'read',
    'read',
    'create',
    'deactivate',
    'read',
    'groupAdd',
    'signin',
    'create',
    'read',
    'reactivate',
    'groupRemove',
  ];
  let i = 0;
  return { next: () => build[cycle[i++ % cycle.length]](), writes, cycle };
}

/**
 * Sends `traffic` until `until()` holds (checked before each request; `maxSeconds` bounds it in
 * any case): request k is due at start + k / rate, taken by the first free of `concurrency`
 * workers (so at most `concurrency` are in flight and nothing bursts beyond that when the server is
 * slow), to node k mod nodes — a round-robin load balancer with no retries and no health checks.
 * Every outcome goes to `record`.
 */
export async function runLoad({ nodes, traffic, rate, concurrency, until, maxSeconds, timeoutMs, t0, record }) {
  const started = performance.now();
  const hardEnd = started + maxSeconds * 1000;
  const over = () => until() || performance.now() >= hardEnd;
  let k = 0;
  const worker = async () => {
    while (!over()) {
      const due = started + (k * 1000) / rate;
      const node = nodes[k % nodes.length];
      k++;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (over()) break;
      const { op, expect, req, done } = traffic.next();
      const o = await send(node, op, req, { t0, timeoutMs, expect });
      done?.(o);
      delete o.json;
      record(o);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

// The soak's consistency check: what the load was told (every recorded write and its outcome)
// against what the database holds at the end, read directly with SQL once the load has stopped.

/**
 * @param {import('pg').Pool} pool
 * @param {{ teamId: string, prefix: string, groups: string[], writes: { creates: object[], patches: object[] } }} o
 * `prefix`: the userName prefix of this run's creates (`soak-<run>-`).
 * Returns figures and `failures` (strings; empty when everything holds).
 */
export async function consistencyCheck(pool, { teamId, prefix, groups, writes }) {
  const failures = [];
  const { rows } = await pool.query(
    "select id::text as id, lower(user_name) as user_name, status from membership where team_id = $1 and user_name like $2 || '%'",
    [teamId, prefix],
  );
  const byName = new Map();
  for (const r of rows) byName.set(r.user_name, [...(byName.get(r.user_name) ?? []), r]);
  const byId = new Map(rows.map((r) => [r.id, r]));

  const c = {
    acknowledged: 0,
    lost: 0,
    duplicated: 0,
    idMismatch: 0,
    refused: 0,
    refusedButWritten: 0,
    unknown: 0,
    unknownWritten: 0,
    unknownNotWritten: 0,
    phantom: 0,
  };
  const asked = new Set();
  for (const w of writes.creates) {
    const name = w.userName.toLowerCase();
    asked.add(name);
    const found = byName.get(name) ?? [];
    if (found.length > 1) c.duplicated++;
    if (w.outcome === 'ok') {
      c.acknowledged++;
      if (!found.length) c.lost++;
      else if (found.length === 1 && found[0].id !== w.id) c.idMismatch++;
    } else if (w.outcome === 'answered' || w.outcome === 'unsent') {
      c.refused++;
      if (found.length) c.refusedButWritten++;
    } else {
      c.unknown++;
      if (found.length) c.unknownWritten++;
      else c.unknownNotWritten++;
    }
  }
  for (const name of byName.keys()) if (!asked.has(name)) c.phantom++;
  if (c.lost) failures.push(`${c.lost} create(s) answered 201 are not in the database (lost writes)`);
  if (c.duplicated) failures.push(`${c.duplicated} userName(s) exist more than once (duplicated writes)`);
  if (c.idMismatch) failures.push(`${c.idMismatch} create(s) answered 201 with an id that is not the stored one`);
  if (c.refusedButWritten) failures.push(`${c.refusedButWritten} create(s) answered with an error were written anyway`);
  if (c.phantom) failures.push(`${c.phantom} member(s) with this run's prefix were never asked for`);

  const {
    rows: [{ n: teamDuplicates }],
  } = await pool.query(
    'select count(*)::int as n from (select 1 from membership where team_id = $1 group by lower(user_name) having count(*) > 1) d',
    [teamId],
  );
  if (teamDuplicates) failures.push(`${teamDuplicates} userName(s) of the team exist more than once`);

  // Later writes: the state each person should be in, from the acknowledged PATCHes, in order.
  // An answered error leaves the state as it was; no answer makes it unknown (the person left the
  // load's pools then, so nothing followed).
  const { rows: links } = await pool.query(
    'select group_id::text as g, membership_id::text as m from group_member where group_id = any($1::uuid[])',
    [groups],
  );
  const inGroups = new Map();
  for (const l of links) inGroups.set(l.m, new Set([...(inGroups.get(l.m) ?? []), l.g]));
  const expected = new Map();
  for (const p of writes.patches) {
    const e = expected.get(p.id) ?? { active: true, groups: new Set(), unknown: false };
    expected.set(p.id, e);
    if (e.unknown) continue;
    if (p.outcome === 'unknown') {
      e.unknown = true;
      continue;
    }
    if (p.outcome !== 'ok') continue;
    if (p.op === 'deactivate') e.active = false;
    else if (p.op === 'reactivate') e.active = true;
    else if (p.op === 'groupAdd') e.groups.add(p.group);
    else if (p.op === 'groupRemove') e.groups.delete(p.group);
  }
  const s = { people: expected.size, checked: 0, unknown: 0, wrongActive: 0, wrongGroups: 0, acknowledgedDeactivations: 0 };
  for (const p of writes.patches) if (p.op === 'deactivate' && p.outcome === 'ok') s.acknowledgedDeactivations++;
  for (const [id, e] of expected) {
    if (e.unknown) {
      s.unknown++;
      continue;
    }
    s.checked++;
    const row = byId.get(id);
    if (!row) continue; // counted as lost above
    if ((row.status === 'active') !== e.active) s.wrongActive++;
    const actual = inGroups.get(id) ?? new Set();
    if (actual.size !== e.groups.size || [...e.groups].some((g) => !actual.has(g))) s.wrongGroups++;
  }
  if (s.wrongActive) failures.push(`${s.wrongActive} person(s) not in the active state their last acknowledged PATCH set`);
  if (s.wrongGroups) failures.push(`${s.wrongGroups} person(s) not in the groups their acknowledged group PATCHes left them in`);

  return { creates: c, rowsWithPrefix: rows.length, teamDuplicates, patches: s, failures };
}

/**
 * The issue's race: `requests` SCIM creates of `names` distinct userNames fired at once, spread
 * round robin over the nodes. Each name must end up exactly once; every request must be answered
 * 201 (exactly one per name) or 409 uniqueness.
 */
export async function raceCheck({ nodes, send, t0, timeoutMs, scimBase, scimToken, pool, teamId, run, requests, names }) {
  const headers = { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' };
  const name = (k) => `race-${run}-${k}@soak.roster.test`;
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: requests }, (_, i) => {
      const userName = name(i % names);
      const body = JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName,
        emails: [{ value: userName, primary: true }],
        active: true,
      });
      return send(
        nodes[i % nodes.length],
        'race',
        { method: 'POST', path: `${scimBase}/Users`, headers, body },
        { t0, timeoutMs, expect: 201 },
      ).then((o) => ({ ...o, userName }));
    }),
  );
  const ms = performance.now() - started;
  const kinds = {};
  const created = new Map();
  for (const o of outcomes) {
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    if (o.result === 'ok') created.set(o.userName, (created.get(o.userName) ?? 0) + 1);
  }
  const {
    rows: [{ n: rows, distinct }],
  } = await pool.query(
    'select count(*)::int as n, count(distinct lower(user_name))::int as distinct from membership where team_id = $1 and user_name like $2',
    [teamId, `race-${run}-%`],
  );
  const failures = [];
  const unexpected = Object.keys(kinds).filter((k) => k !== 'ok' && !/^HTTP 409\b/.test(k));
  if (unexpected.length) failures.push(`race: answers other than 201 and 409: ${unexpected.map((k) => `${k} ×${kinds[k]}`).join(', ')}`);
  if (rows !== names || distinct !== names) failures.push(`race: ${rows} rows (${distinct} distinct names) for ${names} names`);
  const twice = [...created.values()].filter((v) => v > 1).length;
  if (twice) failures.push(`race: ${twice} name(s) answered 201 more than once`);
  if (created.size !== names) failures.push(`race: ${created.size} of ${names} names answered 201`);
  return { requests, names, ms: Math.round(ms), answers: kinds, rows, distinct, failures };
}

/**
 * What the team looks like through its SCIM API, before and after a cycle, and what changed
 * between the two: the summary is read back from Roster, never computed from what was sent.
 */
import { SCHEMAS, listAll, type ScimClient } from './scim-client.js';

type LicenseState = 'GRANTED' | 'PENDING_SEAT';

interface UserState {
  active: boolean;
  version: number;
  licenses: Map<string, LicenseState>;
}

export interface TeamState {
  users: Map<string, UserState>;
  groups: Map<string, { displayName: string; version: number }>;
}

interface RawUser {
  id: string;
  active: boolean;
  meta?: { version?: string };
  [SCHEMAS.license]?: { licenses?: Array<{ value: string; state: LicenseState }> };
}

/** `W/"3"` → 3 (RFC 7644 §3.14 ETags; Roster's version is the row's integer version). */
const versionOf = (meta?: { version?: string }): number => Number(/"(\d+)"/.exec(meta?.version ?? '')?.[1] ?? 0);

export async function readTeam(c: ScimClient): Promise<TeamState> {
  const users = await listAll<RawUser>(c, '/Users');
  const groups = await listAll<{ id: string; displayName: string; meta?: { version?: string } }>(c, '/Groups?excludedAttributes=members');
  return {
    users: new Map(
      users.map((u) => [
        u.id,
        {
          active: u.active,
          version: versionOf(u.meta),
          licenses: new Map((u[SCHEMAS.license]?.licenses ?? []).map((l) => [l.value, l.state])),
        },
      ]),
    ),
    groups: new Map(groups.map((g) => [g.id, { displayName: g.displayName, version: versionOf(g.meta) }])),
  };
}

export interface SeatChange {
  /** Seats held by active members after the run. */
  held: number;
  /** Seats handed out during the run (a member who did not hold one now does). */
  granted: number;
  /** Seats given back during the run (deactivation, leaving the license group). */
  released: number;
  /** Active members waiting for a seat after the run (R14). */
  waiting: number;
}

export interface Summary {
  members: { created: number; updated: number; deactivated: number; reactivated: number; removed: number; total: number; active: number };
  groups: { created: number; changed: number; total: number };
  seats: Record<string, SeatChange>;
  /** True when the run changed nothing the API shows. */
  unchanged: boolean;
}

export function summarize(before: TeamState, after: TeamState): Summary {
  const members = { created: 0, updated: 0, deactivated: 0, reactivated: 0, removed: 0, total: after.users.size, active: 0 };
  const seats: Record<string, SeatChange> = {};
  const seat = (key: string) => (seats[key] ??= { held: 0, granted: 0, released: 0, waiting: 0 });
  for (const [id, now] of after.users) {
    const was = before.users.get(id);
    if (now.active) members.active++;
    if (!was) members.created++;
    if (now.active !== (was?.active ?? true)) {
      if (now.active) members.reactivated++;
      else members.deactivated++;
    }
    // Every profile write and every (de)activation advances the version by one; a member is
    // created at version 1 and active. What the flip of `active` does not explain is a profile
    // update (a deactivation and reactivation in one run would read as one update).
    const flips = now.active !== (was?.active ?? true) ? 1 : 0;
    if (now.version - (was?.version ?? 1) - flips > 0) members.updated++;
    for (const [key, state] of now.licenses) {
      const s = seat(key);
      if (state === 'GRANTED') s.held++;
      else if (now.active) s.waiting++;
      if (state === 'GRANTED' && was?.licenses.get(key) !== 'GRANTED') s.granted++;
    }
    for (const [key, state] of was?.licenses ?? []) if (state === 'GRANTED' && now.licenses.get(key) !== 'GRANTED') seat(key).released++;
  }
  for (const [id, was] of before.users) {
    if (after.users.has(id)) continue;
    members.removed++;
    for (const [key, state] of was.licenses) if (state === 'GRANTED') seat(key).released++;
  }
  const groups = { created: 0, changed: 0, total: after.groups.size };
  for (const [id, now] of after.groups) {
    const was = before.groups.get(id);
    if (!was) groups.created++;
    else if (was.version !== now.version) groups.changed++;
  }
  const seatsMoved = Object.values(seats).some((s) => s.granted || s.released);
  const unchanged =
    !seatsMoved &&
    groups.created + groups.changed + members.created + members.updated + members.deactivated + members.reactivated + members.removed ===
      0 &&
    before.groups.size === after.groups.size;
  return { members, groups, seats, unchanged };
}

export function formatSummary(s: Summary): string[] {
  const m = s.members;
  const lines = [
    `  members  ${m.created} created, ${m.updated} updated, ${m.deactivated} deactivated${m.reactivated ? `, ${m.reactivated} reactivated` : ''}${
      m.removed ? `, ${m.removed} removed` : ''
    } — ${m.total} in the team, ${m.active} active`,
    `  groups   ${s.groups.created} created, ${s.groups.changed} changed — ${s.groups.total} in the team`,
  ];
  const keys = Object.keys(s.seats).sort();
  const granted = keys.reduce((n, k) => n + s.seats[k]!.granted, 0);
  const waiting = keys.reduce((n, k) => n + s.seats[k]!.waiting, 0);
  lines.push(`  seats    ${granted} granted, ${waiting} waitlisted${keys.length ? ':' : ''}`);
  for (const k of keys) {
    const x = s.seats[k]!;
    lines.push(`           ${k.padEnd(12)} ${x.held} held (+${x.granted}${x.released ? `, -${x.released}` : ''}), ${x.waiting} waiting`);
  }
  if (s.unchanged) lines.push('  Nothing changed: the team already matched the directory.');
  return lines;
}

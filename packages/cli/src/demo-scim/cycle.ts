/**
 * One provisioning cycle as an IdP runs it against a team's SCIM endpoint: look every person up
 * and create the missing ones, push profile changes, (de)activate, push groups with their
 * members, then fill the license groups (R13, R14). An IdP sends only what differs from what the
 * target holds, so a second run with the same directory sends no write at all.
 */
import { departmentName, LICENSE_TYPES, people, type Person } from './people.js';
import type { Progress } from './progress.js';
import { inParallel, scimClient } from './scim-client.js';
import { readTeam, summarize, type Summary } from './state.js';
import { VENDORS, profileChanges, type ScimUser, type VendorName } from './vendors.js';

export interface CycleOptions {
  vendor: VendorName;
  /** The team's SCIM base URL, e.g. `http://127.0.0.1:4000/scim/v2/demo`. */
  base: string;
  token: string;
  users: number;
  groups: number;
  /** The directory's mail domain (userNames are `first.last@domain`). */
  domain: string;
  progress: Progress;
}

export interface CycleResult {
  summary: Summary;
  /** Requests sent, by method. */
  sent: Record<string, number>;
  /** Steps the team could not take (e.g. a license app group that is not there). */
  warnings: string[];
}

/** IdPs send requests in parallel; four in flight is gentle on the embedded database. */
const IN_FLIGHT = 4;

export async function runCycle(o: CycleOptions): Promise<CycleResult> {
  const vendor = VENDORS[o.vendor];
  const c = scimClient(o.base, o.token, vendor.headers);
  const warnings: string[] = [];
  const directory = people(o.users, o.domain);
  await vendor.probe(c);
  const before = await readTeam(c);

  const users = new Map<string, ScimUser>();
  const ids = new Map<string, string>();
  o.progress.phase('users', directory.length);
  let created = 0;
  await inParallel(directory, IN_FLIGHT, async (p) => {
    let u = await vendor.findUser(c, p);
    if (!u) {
      u = await vendor.createUser(c, p);
      created++;
    }
    users.set(p.userName, u);
    ids.set(p.userName, u.id);
    o.progress.tick();
  });
  o.progress.done(`${created} created`);

  o.progress.phase('profile updates', directory.length);
  let updated = 0;
  await inParallel(directory, IN_FLIGHT, async (p) => {
    const current = users.get(p.userName)!;
    const changed = profileChanges(current, p.profile, vendor.externalId(p));
    if (changed.length) {
      await vendor.updateUser(c, current, p, changed);
      updated++;
    }
    o.progress.tick();
  });
  o.progress.done(`${updated} updated`);

  o.progress.phase('(de)activation', directory.length);
  let flipped = 0;
  await inParallel(directory, IN_FLIGHT, async (p) => {
    if (users.get(p.userName)!.active !== p.active) {
      await vendor.setActive(c, ids.get(p.userName)!, p.active);
      flipped++;
    }
    o.progress.tick();
  });
  o.progress.done(`${flipped} changed`);

  // Pushed groups: the first N departments, each with everyone in it (inactive people stay
  // assigned in the IdP; Roster keeps their memberships, R8 freezes them for admins only).
  o.progress.phase('groups', o.groups);
  for (let i = 0; i < o.groups; i++) {
    const name = departmentName(i);
    const wanted = directory.filter((p) => p.profile.department === name);
    const found = await vendor.findGroup(c, name);
    if (!found) await vendor.createGroup(c, name, wanted, ids);
    else await syncMembers(found.id, wanted, 0);
    o.progress.tick();
  }
  o.progress.done();

  o.progress.phase('license groups', LICENSE_TYPES.length);
  for (const { key, appGroup } of LICENSE_TYPES) {
    const group = await vendor.licenseGroup(c, key);
    if (!group) warnings.push(`no license group for "${key}": the team lists no group "${appGroup}" (an earlier run may have renamed it)`);
    else
      await syncMembers(
        group.id,
        directory.filter((p) => p.license === key),
        vendor.assignmentsPerRequest,
      );
    o.progress.tick();
  }
  o.progress.done();

  const after = await readTeam(c);
  return { summary: summarize(before, after), sent: { ...c.sent }, warnings };

  /** Brings a group's members in line with `wanted`; `perRequest` > 0 splits the additions. */
  async function syncMembers(groupId: string, wanted: Person[], perRequest: number): Promise<void> {
    // The simulator keeps no memory between runs: it reads the members where an IdP would remember what it sent.
    const g = await c.call<{ members?: Array<{ value: string }> }>('GET', `/Groups/${groupId}`);
    const have = new Set((g.members ?? []).map((m) => m.value));
    const wantedIds = new Set(wanted.map((p) => ids.get(p.userName)!));
    const add = wanted.filter((p) => !have.has(ids.get(p.userName)!));
    // Only the directory's own people leave: members an admin added another way stay.
    const ours = new Set(ids.values());
    const remove = [...have].filter((id) => ours.has(id) && !wantedIds.has(id));
    if (!add.length && !remove.length) return;
    if (perRequest <= 0 || add.length <= perRequest) return vendor.changeMembers(c, groupId, add, remove, ids);
    if (remove.length) await vendor.changeMembers(c, groupId, [], remove, ids);
    // In directory order, one request at a time: the request order is the seats' FIFO order (R14).
    for (let i = 0; i < add.length; i += perRequest) await vendor.changeMembers(c, groupId, add.slice(i, i + perRequest), [], ids);
  }
}

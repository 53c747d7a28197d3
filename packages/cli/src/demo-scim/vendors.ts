/**
 * The requests Okta and Microsoft Entra ID really send, one function per step of a provisioning
 * cycle. The shapes follow the vendors' own suites (Okta's SCIM 2.0 SPEC test, Microsoft's SCIM
 * Postman collection) and the SCIM plugin's journeys (plugins/scim/test/{okta,entra}-journey):
 *
 * - Okta: lookup `userName eq` with `startIndex=1&count=100`; profile updates as a PUT of the
 *   whole user; (de)activation as a pathless `replace` of `{active}`; Push Groups with members in
 *   the POST; membership changes as `remove members[value eq …]` + `add members` in one PATCH;
 *   Link Group renames the license app group to Okta's group name (`{id, displayName}`) and
 *   pushes each assignment in its own PATCH.
 * - Entra: lookup `userName eq`; a `client-request-id` on every request; capitalised ops, paths
 *   with value filters (`emails[type eq "work"].value`), booleans as strings (`"False"`); groups
 *   created empty, then `Add`/`Remove` of `members` by batch; a group named like a license app
 *   group binds to it by `displayName`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LicenseKey, Person, Profile } from './people.js';
import { LICENSE_TYPES } from './people.js';
import { SCHEMAS, lit, patchOp, q, type Json, type ScimClient } from './scim-client.js';

export type VendorName = 'okta' | 'entra';

/** The part of a SCIM User the cycle compares with the directory. */
export interface ScimUser {
  id: string;
  userName: string;
  externalId?: string;
  active: boolean;
  displayName?: string;
  title?: string;
  name?: { givenName?: string; familyName?: string };
  emails?: Array<{ value?: string; type?: string; primary?: boolean }>;
  [SCHEMAS.enterprise]?: { department?: string; employeeNumber?: string };
}

export interface ScimGroup {
  id: string;
  displayName: string;
  members?: Array<{ value: string }>;
}

export interface Vendor {
  name: VendorName;
  label: string;
  headers(): Record<string, string>;
  /** The vendor's "Test connection". */
  probe(c: ScimClient): Promise<void>;
  externalId(p: Person): string;
  findUser(c: ScimClient, p: Person): Promise<ScimUser | null>;
  createUser(c: ScimClient, p: Person): Promise<ScimUser>;
  /** Sends the profile change; `changed` names what differs (see `profileChanges`). */
  updateUser(c: ScimClient, current: ScimUser, p: Person, changed: ProfileField[]): Promise<void>;
  setActive(c: ScimClient, id: string, active: boolean): Promise<void>;
  findGroup(c: ScimClient, displayName: string): Promise<ScimGroup | null>;
  createGroup(c: ScimClient, displayName: string, members: Person[], ids: Map<string, string>): Promise<void>;
  changeMembers(c: ScimClient, groupId: string, add: Person[], remove: string[], ids: Map<string, string>): Promise<void>;
  /** The team group that carries license `key` for this vendor, linking it first if needed; null if none. */
  licenseGroup(c: ScimClient, key: LicenseKey): Promise<ScimGroup | null>;
  /** How many license group assignments one request carries (Okta pushes each on its own). */
  assignmentsPerRequest: number;
}

export type ProfileField = 'externalId' | 'givenName' | 'familyName' | 'displayName' | 'email' | 'title' | 'department' | 'employeeNumber';

const displayNameOf = (p: Profile) => `${p.givenName} ${p.familyName}`;

export function workEmail(u: ScimUser): string | undefined {
  const list = u.emails ?? [];
  return (list.find((e) => e.type === 'work') ?? list.find((e) => e.primary) ?? list[0])?.value;
}

/** What differs between Roster's copy of a user and the directory: an IdP sends only changes. */
export function profileChanges(u: ScimUser, p: Profile, externalId: string): ProfileField[] {
  const ent = u[SCHEMAS.enterprise] ?? {};
  const current: Record<ProfileField, string | undefined> = {
    externalId: u.externalId,
    givenName: u.name?.givenName,
    familyName: u.name?.familyName,
    displayName: u.displayName,
    email: workEmail(u)?.toLowerCase(),
    title: u.title,
    department: ent.department,
    employeeNumber: ent.employeeNumber,
  };
  const wanted: Record<ProfileField, string> = { ...p, externalId, displayName: displayNameOf(p), email: p.email.toLowerCase() };
  return (Object.keys(current) as ProfileField[]).filter((k) => current[k] !== wanted[k]);
}

/** A stable id in the vendor's format, derived from what it names, so reruns send the same ids. */
function stableHex(what: string): string {
  return createHash('sha256').update(what).digest('hex');
}
const oktaId = (what: string) => `00u${stableHex(`okta:${what}`).slice(0, 17)}`;
function entraObjectId(what: string): string {
  const h = stableHex(`entra:${what}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---- Okta --------------------------------------------------------------------------------------

/** Okta renames a license app group to the name of the Okta group linked to it (R15). */
export const OKTA_LICENSE_GROUPS: Record<LicenseKey, string> = {
  salesperson: 'Sales Reps',
  'prep-user': 'Sales Prep',
  manager: 'Sales Managers',
};

function oktaUser(p: Person, profile: Profile, active: boolean): Json {
  return {
    schemas: [SCHEMAS.user, SCHEMAS.enterprise],
    userName: p.userName,
    name: { givenName: profile.givenName, familyName: profile.familyName },
    emails: [{ primary: true, value: profile.email, type: 'work' }],
    displayName: displayNameOf(profile),
    locale: 'en-US',
    title: profile.title,
    externalId: oktaId(p.userName),
    groups: [],
    active,
    [SCHEMAS.enterprise]: { department: profile.department, employeeNumber: profile.employeeNumber },
  };
}

async function findGroupByName(c: ScimClient, displayName: string, query: string): Promise<ScimGroup | null> {
  const r = await c.call<{ Resources?: ScimGroup[] }>('GET', `/Groups?filter=${q(`displayName eq ${lit(displayName)}`)}${query}`);
  return r.Resources?.[0] ?? null;
}

const okta: Vendor = {
  name: 'okta',
  label: 'Okta',
  headers: () => ({ 'user-agent': 'Okta SCIM Client 1.0.0' }),
  async probe(c) {
    await c.call('GET', '/Users?startIndex=1&count=2');
  },
  externalId: (p) => oktaId(p.userName),
  async findUser(c, p) {
    const r = await c.call<{ Resources?: ScimUser[] }>(
      'GET',
      `/Users?filter=${q(`userName eq ${lit(p.userName)}`)}&startIndex=1&count=100`,
    );
    return r.Resources?.[0] ?? null;
  },
  createUser: (c, p) => c.call<ScimUser>('POST', '/Users', oktaUser(p, p.initial, true), [201]),
  async updateUser(c, current, p) {
    // Okta's "Push Profile Updates" to a PUT app: the whole user, with Okta's current `active`.
    await c.call('PUT', `/Users/${current.id}`, { id: current.id, ...oktaUser(p, p.profile, current.active) }, [200]);
  },
  async setActive(c, id, active) {
    await c.call('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active } }), [200, 204]);
  },
  findGroup: (c, name) => findGroupByName(c, name, '&startIndex=1&count=100'),
  async createGroup(c, displayName, members, ids) {
    await c.call(
      'POST',
      '/Groups',
      { schemas: [SCHEMAS.group], displayName, members: members.map((p) => ({ value: ids.get(p.userName)!, display: p.userName })) },
      [201],
    );
  },
  async changeMembers(c, groupId, add, remove, ids) {
    const ops: Json[] = remove.map((id) => ({ op: 'remove', path: `members[value eq ${lit(id)}]` }));
    if (add.length) ops.push({ op: 'add', path: 'members', value: add.map((p) => ({ value: ids.get(p.userName)!, display: p.userName })) });
    await c.call('PATCH', `/Groups/${groupId}`, patchOp(...ops), [200, 204]);
  },
  async licenseGroup(c, key) {
    const name = OKTA_LICENSE_GROUPS[key];
    const linked = await this.findGroup(c, name);
    if (linked) return linked;
    const app = await this.findGroup(c, LICENSE_TYPES.find((t) => t.key === key)!.appGroup);
    if (!app) return null;
    // Link Group: Okta renames the app group to its own group's name; the license follows the id.
    await c.call('PATCH', `/Groups/${app.id}`, patchOp({ op: 'replace', value: { id: app.id, displayName: name } }), [200, 204]);
    return { ...app, displayName: name };
  },
  assignmentsPerRequest: 1,
};

// ---- Microsoft Entra ID ------------------------------------------------------------------------

/** Entra adds and removes group members in batches. */
const ENTRA_BATCH = 50;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const ENTRA_PATHS: Record<Exclude<ProfileField, 'title'>, string> = {
  externalId: 'externalId',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  displayName: 'displayName',
  email: 'emails[type eq "work"].value',
  department: `${SCHEMAS.enterprise}:department`,
  employeeNumber: `${SCHEMAS.enterprise}:employeeNumber`,
};

const entra: Vendor = {
  name: 'entra',
  label: 'Microsoft Entra ID',
  headers: () => ({ 'client-request-id': randomUUID() }),
  async probe(c) {
    // Entra's "Test Connection": a filter on a random userName must answer an empty list.
    await c.call('GET', `/Users?filter=${q(`userName eq ${lit(randomUUID())}`)}`);
  },
  externalId: (p) => entraObjectId(p.userName),
  async findUser(c, p) {
    const r = await c.call<{ Resources?: ScimUser[] }>('GET', `/Users?filter=${q(`userName eq ${lit(p.userName)}`)}`);
    return r.Resources?.[0] ?? null;
  },
  createUser(c, p) {
    const profile = p.initial;
    return c.call<ScimUser>(
      'POST',
      '/Users',
      {
        schemas: [SCHEMAS.user, SCHEMAS.enterprise],
        externalId: entraObjectId(p.userName),
        userName: p.userName,
        active: true,
        displayName: displayNameOf(profile),
        emails: [{ primary: true, type: 'work', value: profile.email }],
        meta: { resourceType: 'User' },
        name: { formatted: displayNameOf(profile), familyName: profile.familyName, givenName: profile.givenName },
        title: profile.title,
        [SCHEMAS.enterprise]: { department: profile.department, employeeNumber: profile.employeeNumber },
      },
      [201],
    );
  },
  async updateUser(c, current, p, changed) {
    const wanted: Record<ProfileField, string> = {
      ...p.profile,
      externalId: entraObjectId(p.userName),
      displayName: displayNameOf(p.profile),
    };
    const ops = changed.map((f) =>
      f === 'title'
        ? // Entra adds an attribute the target lacks and replaces one it has.
          { op: current.title === undefined ? 'Add' : 'Replace', path: 'title', value: wanted.title }
        : { op: 'Replace', path: ENTRA_PATHS[f], value: wanted[f] },
    );
    await c.call('PATCH', `/Users/${current.id}`, patchOp(...ops), [200, 204]);
  },
  async setActive(c, id, active) {
    await c.call('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }), [200, 204]);
  },
  findGroup: (c, name) => findGroupByName(c, name, '&excludedAttributes=members'),
  async createGroup(c, displayName, members, ids) {
    const g = await c.call<ScimGroup>(
      'POST',
      '/Groups',
      { schemas: [SCHEMAS.group], externalId: entraObjectId(`group:${displayName}`), displayName, members: [] },
      [201],
    );
    await this.changeMembers(c, g.id, members, [], ids);
  },
  async changeMembers(c, groupId, add, remove, ids) {
    for (const batch of chunks(remove, ENTRA_BATCH))
      await c.call(
        'PATCH',
        `/Groups/${groupId}`,
        patchOp({ op: 'Remove', path: 'members', value: batch.map((value) => ({ value })) }),
        [200, 204],
      );
    for (const batch of chunks(add, ENTRA_BATCH))
      await c.call(
        'PATCH',
        `/Groups/${groupId}`,
        patchOp({ op: 'Add', path: 'members', value: batch.map((p) => ({ value: ids.get(p.userName)! })) }),
        [200, 204],
      );
  },
  licenseGroup(c, key) {
    // An assigned Entra group named exactly like the app group matches it by displayName.
    return this.findGroup(c, LICENSE_TYPES.find((t) => t.key === key)!.appGroup);
  },
  assignmentsPerRequest: ENTRA_BATCH,
};

export const VENDORS: Record<VendorName, Vendor> = { okta, entra };

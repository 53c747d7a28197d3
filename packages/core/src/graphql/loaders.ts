import DataLoader from 'dataloader';
import type { Core } from '../core.js';

export interface GroupRef {
  id: string;
  displayName: string;
  licenseTypeId: string | null;
  externalId: string | null;
  createdAt: Date;
}
export interface AssignmentRef {
  licenseTypeId: string;
  key: string;
  name: string;
  state: 'GRANTED' | 'PENDING_SEAT';
  requestedAt: Date;
  grantedAt: Date | null;
}

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Per-request batching: a members page costs the same few statements whatever its size. */
export function createLoaders(core: Core) {
  const groupsOfMember = new DataLoader<string, GroupRef[]>(async (ids) => {
    const rows = await core.read<{
      membership_id: string;
      id: string;
      display_name: string;
      license_type_id: string | null;
      external_id: string | null;
      created_at: Date;
    }>(
      `select gm.membership_id, g.id, g.display_name, g.license_type_id, g.external_id, g.created_at
       from group_member gm join "group" g on g.id = gm.group_id
       where gm.membership_id in (${list(ids.length)}) order by g.display_name, g.id`,
      [...ids],
    );
    const by = new Map<string, GroupRef[]>();
    for (const r of rows)
      by.set(r.membership_id, [
        ...(by.get(r.membership_id) ?? []),
        {
          id: r.id,
          displayName: r.display_name,
          licenseTypeId: r.license_type_id,
          externalId: r.external_id,
          createdAt: new Date(r.created_at),
        },
      ]);
    return ids.map((id) => by.get(id) ?? []);
  });
  const licensesOfMember = new DataLoader<string, AssignmentRef[]>(async (ids) => {
    const rows = await core.read<{
      membership_id: string;
      license_type_id: string;
      key: string;
      name: string;
      state: 'GRANTED' | 'PENDING_SEAT';
      requested_at: Date;
      granted_at: Date | null;
    }>(
      `select la.membership_id, la.license_type_id, lt.key, lt.name, la.state, la.requested_at, la.granted_at
       from license_assignment la join license_type lt on lt.id = la.license_type_id
       where la.membership_id in (${list(ids.length)}) order by lt.key`,
      [...ids],
    );
    const by = new Map<string, AssignmentRef[]>();
    for (const r of rows) {
      by.set(r.membership_id, [
        ...(by.get(r.membership_id) ?? []),
        {
          licenseTypeId: r.license_type_id,
          key: r.key,
          name: r.name,
          state: r.state,
          requestedAt: new Date(r.requested_at),
          grantedAt: r.granted_at ? new Date(r.granted_at) : null,
        },
      ]);
    }
    return ids.map((id) => by.get(id) ?? []);
  });
  const groupMemberCount = new DataLoader<string, number>(async (ids) => {
    const rows = await core.read<{ group_id: string; n: number }>(
      `select group_id, count(*)::int as n from group_member where group_id in (${list(ids.length)}) group by group_id`,
      [...ids],
    );
    const by = new Map(rows.map((r) => [r.group_id, r.n]));
    return ids.map((id) => by.get(id) ?? 0);
  });
  return { groupsOfMember, licensesOfMember, groupMemberCount };
}

export type Loaders = ReturnType<typeof createLoaders>;

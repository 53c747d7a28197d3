/**
 * The made-up directory the simulator provisions: people and departments drawn from a seeded
 * generator, so every run (on any machine) wants the same team. Person i depends only on the
 * seed and i (and, for a userName collision, on the people before it), so `--users 80` keeps
 * the first 60 people of `--users 60`.
 */

/** The license types every team starts with (docs/domain.md R11), by key and app group name (R15). */
export const LICENSE_TYPES = [
  { key: 'salesperson', appGroup: 'Salesperson' },
  { key: 'prep-user', appGroup: 'Prep User' },
  { key: 'manager', appGroup: 'Manager' },
] as const;

export type LicenseKey = (typeof LICENSE_TYPES)[number]['key'];

/** Department names; `--groups N` pushes the first N as groups (beyond ten: "Team 11", …). */
const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Marketing', 'Finance', 'Operations', 'Legal', 'People', 'Design', 'Product'];

const GIVEN =
  'Ada Alan Amara Ana Arjun Bea Bruno Chen Dara Diego Elif Emeka Eva Farah Felix Grace Hana Hugo Ines Ivan Jonas Kai Kenji Lena Leo Lina Luca Maya Mei Nadia Nico Noor Omar Priya Rafael Rosa Sami Sara Tariq Thea Tomas Uma Vera Wei Yara Yusuf Zoe Zane'.split(
    ' ',
  );
const FAMILY =
  'Abara Berg Castillo Dubois Eriksen Fischer Garcia Haddad Ito Jansen Kowalski Larsen Moreau Nakamura Okafor Petrov Quinn Rossi Santos Tanaka Uddin Varga Weber Xu Yilmaz Zhang'.split(
    ' ',
  );
const TITLES = ['Account Executive', 'Engineer', 'Support Specialist', 'Analyst', 'Designer', 'Team Lead', 'Consultant', 'Coordinator'];

/** The profile an IdP holds for a person: what it sends and what it compares. */
export interface Profile {
  givenName: string;
  familyName: string;
  email: string;
  title: string;
  department: string;
  employeeNumber: string;
}

export interface Person {
  index: number;
  userName: string;
  /** The profile at creation; differs from `profile` for people the cycle updates. */
  initial: Profile;
  profile: Profile;
  /** False for people the cycle deactivates. */
  active: boolean;
  /** The license the person's license group requests (R13), if any. */
  license: LicenseKey | null;
}

/** mulberry32: a tiny seeded PRNG, good enough to make up people. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

export function departmentName(i: number): string {
  return DEPARTMENTS[i] ?? `Team ${i + 1}`;
}

/** `count` people of the directory at `domain`; the same arguments give the same people. */
export function people(count: number, domain: string, seed = 17): Person[] {
  const taken = new Set<string>();
  const out: Person[] = [];
  for (let i = 0; i < count; i++) {
    const r = random(seed * 100_003 + i);
    const givenName = pick(r, GIVEN);
    const familyName = pick(r, FAMILY);
    const base = `${givenName}.${familyName}`.toLowerCase();
    const local = taken.has(base) ? `${base}${i + 1}` : base;
    taken.add(local);
    const userName = `${local}@${domain}`;
    const profile: Profile = {
      givenName,
      familyName,
      email: userName,
      title: pick(r, TITLES),
      department: departmentName(Math.floor(r() * DEPARTMENTS.length)),
      employeeNumber: String(1000 + i),
    };
    // One in five changes in the IdP after creation: a new hire gets a title, and some of them a
    // new mail address (Entra maps `mail`, which may differ from the userPrincipalName).
    const updated = r() < 0.2;
    const newAddress = r() < 0.4;
    const initial: Profile = updated ? { ...profile, title: 'New hire' } : profile;
    if (updated && newAddress) profile.email = `${givenName[0]}${familyName}${i + 1}@${domain}`.toLowerCase();
    const l = r();
    const license: LicenseKey | null = l < 0.5 ? 'salesperson' : l < 0.65 ? 'prep-user' : l < 0.7 ? 'manager' : null;
    out.push({ index: i, userName, initial, profile, active: r() >= 0.1, license });
  }
  return out;
}

/** What the cycle should leave in the team, for callers (and tests) that check its outcome. */
export function expectedOutcome(directory: Person[], groups: number, seats: Partial<Record<LicenseKey, number>>) {
  const active = directory.filter((p) => p.active);
  const pushed = new Set(Array.from({ length: groups }, (_, i) => departmentName(i)));
  const licenses = Object.fromEntries(
    LICENSE_TYPES.map(({ key }) => {
      const requesting = active.filter((p) => p.license === key).length;
      const purchased = seats[key] ?? 0;
      return [key, { used: Math.min(requesting, purchased), pending: Math.max(0, requesting - purchased) }];
    }),
  ) as Record<LicenseKey, { used: number; pending: number }>;
  return {
    members: directory.length,
    active: active.length,
    updated: directory.filter((p) => JSON.stringify(p.initial) !== JSON.stringify(p.profile)).length,
    groupMembers: Object.fromEntries([...pushed].map((g) => [g, directory.filter((p) => p.profile.department === g).length])),
    licenses,
  };
}

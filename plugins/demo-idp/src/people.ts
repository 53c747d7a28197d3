/**
 * The made-up people every test IdP knows, and the misbehaving choices offered beside them. The
 * domain is under `.test` (RFC 2606), so no address here can reach a real mailbox.
 */
export const DEMO_DOMAIN = 'example-sso.test';

export interface DemoPerson {
  /** Stable subject (NameID, `sub`, WS-Fed name identifier). */
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  groups: string[];
  /** What the demo team should hold for them: an active member, an inactive one, or nobody. */
  membership: 'active' | 'inactive' | 'none';
}

export const PEOPLE: readonly DemoPerson[] = [
  { id: 'ada', email: `ada@${DEMO_DOMAIN}`, givenName: 'Ada', familyName: 'Lovelace', groups: ['Engineering'], membership: 'active' },
  {
    id: 'grace',
    email: `grace@${DEMO_DOMAIN}`,
    givenName: 'Grace',
    familyName: 'Hopper',
    groups: ['Engineering', 'Managers'],
    membership: 'active',
  },
  { id: 'alan', email: `alan@${DEMO_DOMAIN}`, givenName: 'Alan', familyName: 'Turing', groups: ['Sales'], membership: 'active' },
  // The misbehaving people: Roster must refuse them, and say why in the sign-in trace.
  { id: 'mallory', email: `mallory@${DEMO_DOMAIN}`, givenName: 'Mallory', familyName: 'Unknown', groups: [], membership: 'none' },
  { id: 'ian', email: `ian@${DEMO_DOMAIN}`, givenName: 'Ian', familyName: 'Inactive', groups: [], membership: 'inactive' },
];

/** What the IdP does wrong on purpose, besides signing in someone Roster should not admit. */
export type Misbehaviour = 'none' | 'expired' | 'wrong-audience';

/** One line of the sign-in page: who to be, and how the IdP behaves. */
export interface Choice {
  value: string;
  label: string;
  person: DemoPerson;
  misbehaviour: Misbehaviour;
}

/** The choices a page offers; token-level misbehaviours only where the protocol lets the IdP forge them. */
export function choices(options: { tokenMisbehaviours: boolean }): Choice[] {
  const ada = PEOPLE[0]!;
  const list: Choice[] = PEOPLE.map((p) => ({
    value: p.id,
    label:
      p.membership === 'none'
        ? `${p.givenName} ${p.familyName} <${p.email}> — unknown user (not a member of the team)`
        : p.membership === 'inactive'
          ? `${p.givenName} ${p.familyName} <${p.email}> — inactive member`
          : `${p.givenName} ${p.familyName} <${p.email}>`,
    person: p,
    misbehaviour: 'none' as const,
  }));
  if (options.tokenMisbehaviours) {
    list.push(
      {
        value: 'ada:expired',
        label: `${ada.givenName} ${ada.familyName}, with an expired assertion`,
        person: ada,
        misbehaviour: 'expired',
      },
      {
        value: 'ada:wrong-audience',
        label: `${ada.givenName} ${ada.familyName}, with an assertion for another audience`,
        person: ada,
        misbehaviour: 'wrong-audience',
      },
    );
  }
  return list;
}

export function choiceOf(value: unknown, options: { tokenMisbehaviours: boolean }): Choice | null {
  return choices(options).find((c) => c.value === value) ?? null;
}

/** The audience a "wrong audience" assertion names: some other application. */
export const WRONG_AUDIENCE = 'urn:example-sso:some-other-app';

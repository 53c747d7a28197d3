/**
 * Who an asserted identity may become (#12, docs/security.md), over real HTTP on every channel:
 * a hostile team admin points SAML, OIDC and WS-Fed connections at IdPs they control (SAML and
 * WS-Fed marked `trustEmails`: the admin can vouch for any address), holds a SCIM token and the
 * `addMember` mutation. Each subject × channel ends as the table says, and every refusal of the
 * rule carries its code in the audit trace.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, User, coreMigrations } from '@roster/core';
import { createAdmin } from '@roster/server';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { scimPlugin } from '@roster/plugin-scim';
import { wsfedPlugin } from '@roster/plugin-wsfed';
import { startOp, type AccountClaims, type TestOp } from '../plugins/oidc/test/support/op.js';
import { browserSignIn, freePort } from '../plugins/oidc/test/support/roster.js';
import {
  createConnection as createSamlConnection,
  spInitiated,
  type Connection as SamlConnection,
} from '../plugins/saml/test/support/roster.js';
import {
  CREATE as CREATE_WSFED,
  ok,
  signIn as wsfedSignIn,
  type ConnectionView as WsFedConnection,
} from '../plugins/wsfed/test/support/journey.js';
import { adfsMetadata } from '../plugins/wsfed/test/support/metadata.js';

const SECRET = 'roster-client-secret-0123456789';
const GOOGLE_SECRET = 'google-client-secret-0123456789';
const FREE = 'free.example'; // a domain no team verified

const accounts: Record<string, AccountClaims> = {};
let op: TestOp;
let t: TestRoster;

type Team = Awaited<ReturnType<TestRoster['createTeam']>>;
/** A hostile team: SAML / WS-Fed connections that vouch for any email, and plain ones that do not. */
interface Home {
  team: Team;
  domain: string;
  saml: { trusting: SamlConnection; plain: SamlConnection };
  wsfed: { trusting: WsFedConnection; plain: WsFedConnection };
  oidc: string;
  scimToken: string;
}
let homes: { off: Home; on: Home };
let other: Team;
let otherDomain: string;

async function verifyDomain(teamId: string, domain: string): Promise<void> {
  const d = await t.core.domains.add(teamId, domain, SYSTEM_ACTOR);
  await t.core.domains.verify(teamId, d.id, SYSTEM_ACTOR, true);
}

async function makeHome(jit: boolean): Promise<Home> {
  const team = await t.createTeam();
  const domain = `${team.slug}.example.com`;
  await verifyDomain(team.teamId, domain);
  const policy = await t.gql(
    'mutation($id: ID!, $p: SignInPolicyInput!) { setSignInPolicy(teamId: $id, policy: $p) { id } }',
    { id: team.teamId, p: { methods: ['password', 'google', 'saml', 'oidc', 'wsfed'], ssoRequired: false, jitProvisioning: jit } },
    { token: team.ownerToken },
  );
  expect(policy.errors).toBeUndefined();
  const wsfed = async (trustEmails: boolean) =>
    (
      await ok<{ createWsFedConnection: WsFedConnection }>(
        t,
        CREATE_WSFED,
        { teamId: team.teamId, input: { name: 'Hostile ADFS', metadataXml: adfsMetadata(), trustEmails } },
        team.ownerToken,
      )
    ).createWsFedConnection;
  const oidc = await t.gql<{ createOidcConnection: { id: string } }>(
    'mutation($teamId: ID!, $input: CreateOidcConnectionInput!) { createOidcConnection(teamId: $teamId, input: $input) { id } }',
    { teamId: team.teamId, input: { issuer: op.issuer, clientId: 'roster', clientSecret: SECRET, allowInsecureRequests: true } },
    { token: team.ownerToken },
  );
  expect(oidc.errors).toBeUndefined();
  const { secret } = await t.core.tokens.create(team.teamId, 'hostile-scim', 'scim', SYSTEM_ACTOR);
  return {
    team,
    domain,
    saml: {
      trusting: await createSamlConnection(t, team, { trustEmails: true }),
      plain: await createSamlConnection(t, team, { trustEmails: false }),
    },
    wsfed: { trusting: await wsfed(true), plain: await wsfed(false) },
    oidc: oidc.data!.createOidcConnection.id,
    scimToken: secret,
  };
}

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const redirect = [`${publicUrl}/oidc/callback`];
  op = await startOp({
    accounts,
    // Every connection has its own /oidc/:id/callback, known once it exists.
    redirectUriPrefix: `${publicUrl}/oidc/`,
    clients: [
      { client_id: 'roster', client_secret: SECRET, redirect_uris: redirect, token_endpoint_auth_method: 'client_secret_basic' },
      {
        client_id: 'google-client',
        client_secret: GOOGLE_SECRET,
        redirect_uris: redirect,
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
  });
  t = await startTestRoster({
    plugins: [
      samlPlugin({ allowPrivateMetadataHosts: true }),
      oidcPlugin({
        allowInsecureIssuers: true,
        google: { clientId: 'google-client', clientSecret: GOOGLE_SECRET, issuer: op.issuer, allowInsecureRequests: true },
      }),
      wsfedPlugin({ metadataRefreshIntervalSeconds: 0 }),
      scimPlugin(),
    ],
    config: { port, publicUrl, allowedOrigins: [publicUrl] },
    roster: { migrate: true },
  });
  other = await t.createTeam();
  otherDomain = `${other.slug}.example.com`;
  await verifyDomain(other.teamId, otherDomain);
  homes = { off: await makeHome(false), on: await makeHome(true) };
});
afterAll(async () => {
  await t?.close();
  await op?.close();
});

// ---------------------------------------------------------------------------------------------
// Subjects: who the IdP (or the admin) names, and the state that makes them so.

type Subject =
  | 'platform admin'
  | 'member of another team'
  | 'person in no team'
  | 'member linked to another subject'
  | 'unlinked member'
  | 'unlinked member, own verified domain, unverified by the IdP'
  | 'email in another team’s verified domain'
  | 'unverified email (new person)'
  | 'unverified email (unlinked member)';

interface Prepared {
  email: string;
  /** The IdP's subject for this sign-in. */
  subject: string;
  /** SAML / WS-Fed: sign in through the connection that does not vouch for emails. */
  plain: boolean;
  /** OIDC / Google: `email_verified`. */
  emailVerified: boolean;
}

const unique = (prefix: string, domain = FREE) => `${prefix}-${randomUUID().slice(0, 8)}@${domain}`;

async function personInNoTeam(email: string, platformAdmin = false): Promise<void> {
  const em = t.core.em();
  em.create(User, { login: email, email, givenName: 'Stored', familyName: 'Profile', platformAdmin });
  await em.flush();
  await t.core.em().nativeUpdate(User, { login: email }, { passwordHash: 'stored-hash' });
}

/** Creates the subject's state in `home` for a sign-in through `channel` (linking needs a first sign-in there). */
async function prepare(subject: Subject, home: Home, channel: Channel): Promise<Prepared> {
  const base = { subject: `sub-${randomUUID()}`, plain: false, emailVerified: true };
  switch (subject) {
    case 'platform admin': {
      const email = unique('operator');
      await personInNoTeam(email, true);
      return { ...base, email };
    }
    case 'member of another team': {
      const email = unique('colleague');
      await t.addMember(other.teamId, email);
      return { ...base, email };
    }
    case 'person in no team': {
      const email = unique('loner');
      await personInNoTeam(email);
      return { ...base, email };
    }
    case 'member linked to another subject': {
      const email = unique('linked');
      await t.addMember(home.team.teamId, email);
      if (isSignIn(channel)) {
        const first = await signInThrough(channel, home, { ...base, email, subject: `first-${randomUUID()}` });
        expect(first.code, 'the first subject links').toBe('ok');
      }
      return { ...base, email };
    }
    case 'unlinked member': {
      const email = unique('unlinked');
      await t.addMember(home.team.teamId, email);
      return { ...base, email };
    }
    case 'unlinked member, own verified domain, unverified by the IdP': {
      const email = unique('own', home.domain);
      await t.addMember(home.team.teamId, email);
      return { ...base, email, plain: true, emailVerified: false };
    }
    case 'email in another team’s verified domain':
      return { ...base, email: unique('intruder', otherDomain) };
    case 'unverified email (new person)':
      return { ...base, email: unique('claimed'), plain: true, emailVerified: false };
    case 'unverified email (unlinked member)': {
      const email = unique('unvouched');
      await t.addMember(home.team.teamId, email);
      return { ...base, email, plain: true, emailVerified: false };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Channels: how the identity arrives, and what came back (a code, or 'ok').

type Channel = 'saml' | 'oidc' | 'wsfed' | 'google' | 'scim' | 'addMember';
const isSignIn = (c: Channel): c is 'saml' | 'oidc' | 'wsfed' => c === 'saml' || c === 'oidc' || c === 'wsfed';

interface Result {
  code: string;
  /** The session's person (sign-in channels). */
  session?: string | null;
}

async function signInThrough(channel: Channel, home: Home, p: Prepared): Promise<Result> {
  const claims: AccountClaims = {
    email: p.email,
    email_verified: p.emailVerified,
    given_name: 'Hostile',
    family_name: 'Idp',
    hd: p.email.split('@')[1],
  };
  if (channel === 'saml') {
    const conn = p.plain ? home.saml.plain : home.saml.trusting;
    const run = await spInitiated(conn, { nameId: p.subject, attributes: { email: [p.email], firstName: ['Hostile'], lastName: ['Idp'] } });
    if (run.acs.status === 302) return { code: 'ok', session: run.browser.jar.get('roster_session') ?? null };
    return { code: String(((await run.acs.json()) as { error: string }).error) };
  }
  if (channel === 'wsfed') {
    const conn = p.plain ? home.wsfed.plain : home.wsfed.trusting;
    const run = await wsfedSignIn(t, conn.id, { email: p.email, givenName: 'Hostile', familyName: 'Idp' }, { nameId: p.subject });
    if (run.acs.status === 302) return { code: 'ok', session: run.browser.jar.get('roster_session') ?? null };
    return { code: run.acs.json<{ error: string }>().error };
  }
  if (channel === 'oidc' || channel === 'google') {
    accounts[p.subject] = claims;
    const run = await browserSignIn(t.url, t.roster.config.publicUrl, channel === 'google' ? 'google' : home.oidc, {
      loginHint: p.subject,
    });
    if (run.status === 302 && run.session) return { code: 'ok', session: run.session };
    const body = run.body as { error: string; step?: string };
    // A refusal of the plugin itself (Google: unverified email) names the step instead.
    return { code: body.error === 'OIDC_SIGNIN_REFUSED' ? `plugin:${body.step}` : body.error };
  }
  throw new Error(`not a sign-in channel: ${channel}`);
}

async function provisionThrough(channel: 'scim' | 'addMember', home: Home, p: Prepared): Promise<Result> {
  if (channel === 'addMember') {
    const r = await t.gql(
      'mutation($t: ID!, $i: AddMemberInput!) { addMember(teamId: $t, input: $i) { id } }',
      { t: home.team.teamId, i: { email: p.email, givenName: 'Hostile', familyName: 'Admin' } },
      { token: home.team.ownerToken },
    );
    return { code: r.errors?.[0]?.extensions?.code ?? 'ok' };
  }
  const r = await fetch(`${t.url}/scim/v2/${home.team.slug}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${home.scimToken}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: p.email,
      name: { givenName: 'Hostile', familyName: 'Scim' },
      emails: [{ value: p.email, primary: true }],
      active: true,
    }),
  });
  const body = (await r.json()) as { scimType?: string };
  return { code: r.status === 201 ? 'ok' : `${r.status} ${body.scimType ?? ''}`.trim() };
}

/** The newest audit trace of this subject: sign-in events by email, provisioning refusals by userName. */
async function traceOf(channel: Channel, p: Prepared): Promise<{ action: string; code: string | null } | null> {
  const rows =
    isSignIn(channel) || channel === 'google'
      ? await t.core
          .em()
          .execute<Array<{ action: string; code: string | null }>>(
            `select action, data->>'code' as code from audit_event where action in ('signin.refused', 'signin.succeeded') and data->>'email' = ? and data->>'subject' = ? order by at desc limit 1`,
            [p.email, p.subject],
          )
      : await t.core
          .em()
          .execute<Array<{ action: string; code: string | null }>>(
            `select action, data->>'code' as code from audit_event where action in ('member.refused', 'member.provisioned') and (data->>'userName' = ? or data->>'email' = ?) order by at desc limit 1`,
            [p.email, p.email],
          );
  return rows[0] ?? null;
}

async function sessionLogin(token: string | null | undefined): Promise<{ login: string; platformAdmin: boolean } | null> {
  const r = await t.gql<{ me: { login: string; platformAdmin: boolean } | null }>(
    '{ me { login platformAdmin } }',
    {},
    { headers: { cookie: `roster_session=${token ?? ''}` } },
  );
  return r.data?.me ?? null;
}

// ---------------------------------------------------------------------------------------------
// The table. Columns: SAML / OIDC / WS-Fed with JIT off, the same with JIT on, Google, SCIM, addMember.

const R = 'PLATFORM_ADMIN_RESERVED';
const UNIQ = '409 uniqueness';
/** A cell: the outcome, or [outcome, the code the audit trace carries] when they differ (SCIM answers in its own words). */
type Cell = string | [string, string];
const MATRIX: Record<Subject, { jitOff: Cell; jitOn: Cell; google: Cell; scim: Cell; addMember: Cell }> = {
  'platform admin': { jitOff: R, jitOn: R, google: R, scim: [UNIQ, R], addMember: R },
  'member of another team': {
    jitOff: 'USER_IN_OTHER_TEAM',
    jitOn: 'USER_IN_OTHER_TEAM',
    google: 'ok',
    scim: [UNIQ, 'USER_IN_OTHER_TEAM'],
    addMember: 'USER_IN_OTHER_TEAM',
  },
  // Decision (docs/security.md): a person in no team may be attached, never taken over.
  'person in no team': { jitOff: 'NOT_PROVISIONED', jitOn: 'ok', google: 'NOT_PROVISIONED', scim: 'ok', addMember: 'ok' },
  'member linked to another subject': {
    jitOff: 'IDENTITY_LINKED_ELSEWHERE',
    jitOn: 'IDENTITY_LINKED_ELSEWHERE',
    google: 'ok',
    scim: UNIQ,
    addMember: 'ALREADY_MEMBER',
  },
  'unlinked member': { jitOff: 'ok', jitOn: 'ok', google: 'ok', scim: UNIQ, addMember: 'ALREADY_MEMBER' },
  'unlinked member, own verified domain, unverified by the IdP': {
    jitOff: 'ok',
    jitOn: 'ok',
    google: 'plugin:claims',
    scim: UNIQ,
    addMember: 'ALREADY_MEMBER',
  },
  'email in another team’s verified domain': {
    jitOff: 'DOMAIN_OF_ANOTHER_TEAM',
    jitOn: 'DOMAIN_OF_ANOTHER_TEAM',
    google: 'NOT_PROVISIONED',
    scim: [UNIQ, 'DOMAIN_OF_ANOTHER_TEAM'],
    addMember: 'DOMAIN_OF_ANOTHER_TEAM',
  },
  // The admin channels vouch for what they create (R5): only sign-in needs the IdP's word.
  'unverified email (new person)': {
    jitOff: 'EMAIL_NOT_VERIFIED',
    jitOn: 'EMAIL_NOT_VERIFIED',
    google: 'plugin:claims',
    scim: 'ok',
    addMember: 'ok',
  },
  'unverified email (unlinked member)': {
    jitOff: 'EMAIL_NOT_VERIFIED',
    jitOn: 'EMAIL_NOT_VERIFIED',
    google: 'plugin:claims',
    scim: UNIQ,
    addMember: 'ALREADY_MEMBER',
  },
};

/** Codes of the identity rule: a refusal with one of them is traced as `member.refused` by the provisioning channels. */
const RULE_CODES = new Set([R, 'USER_IN_OTHER_TEAM', 'IDENTITY_LINKED_ELSEWHERE', 'EMAIL_NOT_VERIFIED', 'DOMAIN_OF_ANOTHER_TEAM']);

interface Case {
  subject: Subject;
  channel: Channel;
  jit: boolean;
  expected: string;
  traced: string;
}
const CASES: Case[] = (Object.keys(MATRIX) as Subject[]).flatMap((subject) => {
  const row = MATRIX[subject];
  const c = (channel: Channel, jit: boolean, cell: Cell): Case => ({
    subject,
    channel,
    jit,
    expected: typeof cell === 'string' ? cell : cell[0],
    traced: typeof cell === 'string' ? cell : cell[1],
  });
  return [
    ...(['saml', 'oidc', 'wsfed'] as const).flatMap((channel) => [c(channel, false, row.jitOff), c(channel, true, row.jitOn)]),
    c('google', false, row.google),
    c('scim', false, row.scim),
    c('addMember', false, row.addMember),
  ];
});

/** What the audit trace must say for a case; null when there is nothing of the rule's to say (ALREADY_MEMBER, plugin refusals). */
function expectedTrace({ channel, expected, traced }: Case): { action: string; code?: string } | null {
  const signIn = isSignIn(channel) || channel === 'google';
  if (expected === 'ok') return { action: signIn ? 'signin.succeeded' : 'member.provisioned' };
  if (expected.startsWith('plugin:')) return null;
  // Every refusal of the core's sign-in names its code; provisioning traces the rule's refusals.
  if (signIn) return { action: 'signin.refused', code: traced };
  return RULE_CODES.has(traced) ? { action: 'member.refused', code: traced } : null;
}

describe('#12: who an asserted identity may become, on every channel', () => {
  it.each(CASES)('$subject × $channel (JIT $jit) → $expected', async ({ subject, channel, jit, expected, traced }) => {
    const home = jit ? homes.on : homes.off;
    const p = await prepare(subject, home, channel);
    const before = await t.core.em().findOne(User, { login: p.email }, { populate: ['passwordHash'] });
    const result =
      channel === 'scim' || channel === 'addMember' ? await provisionThrough(channel, home, p) : await signInThrough(channel, home, p);
    expect(result.code).toBe(expected);

    const wanted = expectedTrace({ subject, channel, jit, expected, traced });
    if (wanted) expect(await traceOf(channel, p), 'the outcome is in the audit trace, with its code (R19)').toMatchObject(wanted);

    if (result.session !== undefined) {
      // A session opens for the asserted person only, and never as a platform admin.
      const me = await sessionLogin(result.session);
      expect(me).toEqual(expected === 'ok' ? { login: p.email, platformAdmin: false } : null);
    }
    const after = await t.core.em().findOne(User, { login: p.email }, { populate: ['passwordHash'] });
    if (subject === 'platform admin') {
      expect(after).toMatchObject({ platformAdmin: true, givenName: 'Stored', familyName: 'Profile' });
      expect(await t.core.em().count('Membership', { user: after!.id })).toBe(0);
    }
    if (subject === 'person in no team') {
      // Attached or not, their stored profile and password stay theirs.
      expect(after).toMatchObject({ givenName: 'Stored', familyName: 'Profile', email: p.email, passwordHash: before!.passwordHash });
    }
    if (subject === 'email in another team’s verified domain' || (subject === 'unverified email (new person)' && isSignIn(channel))) {
      expect(after, 'nobody was created').toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The reproductions, one by one.

describe('#12 reproductions', () => {
  it("#12.1: a team admin's IdP asserting a platform admin made by `roster create-admin` gets no session and no membership", async () => {
    const email = unique('root');
    await createAdmin(t.core, null, email, 'operator-password-123');
    const home = homes.on; // JIT on, SAML connection that vouches for any email: the attacker's best case
    for (const channel of ['saml', 'oidc', 'wsfed'] as const) {
      const p: Prepared = { email, subject: `attacker-${channel}`, plain: false, emailVerified: true };
      const r = await signInThrough(channel, home, p);
      expect(r.code).toBe(R);
      expect(await traceOf(channel, p)).toMatchObject({ action: 'signin.refused', code: R });
    }
    const add = await t.gql(
      'mutation($t: ID!, $i: AddMemberInput!) { addMember(teamId: $t, input: $i) { id } }',
      { t: home.team.teamId, i: { email } },
      { token: home.team.ownerToken },
    );
    expect(add.errors?.[0]?.extensions?.code).toBe(R);
    const user = await t.core.em().findOneOrFail(User, { login: email });
    expect(await t.core.em().count('Membership', { user: user.id })).toBe(0);
    // No session for the operator's account came out of any of it (so no `teams` query as them).
    const [{ n } = { n: -1 }] = await t.core
      .em()
      .execute<Array<{ n: number }>>('select count(*)::int as n from session where user_id = ?', [user.id]);
    expect(n).toBe(0);
    // The operator still signs in with their own password, as a platform admin in no team.
    const login = await fetch(`${t.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'operator-password-123' }),
    });
    expect(login.status).toBe(200);
  });

  it('#12.1: `create-admin` refuses to make a team member a platform admin', async () => {
    const email = unique('member');
    await t.addMember(homes.off.team.teamId, email);
    await expect(createAdmin(t.core, null, email, 'operator-password-123')).rejects.toThrow(/member of a team/);
    expect(await t.core.em().findOneOrFail(User, { login: email })).toMatchObject({ platformAdmin: false });
  });

  it('#12.2: an OIDC ID token with email_verified: false does not sign in a never-linked member; true does', async () => {
    const home = homes.off;
    const email = unique('ned');
    await t.addMember(home.team.teamId, email);
    const refused: Prepared = { email, subject: `ned-${randomUUID()}`, plain: true, emailVerified: false };
    expect(await signInThrough('oidc', home, refused)).toEqual({ code: 'EMAIL_NOT_VERIFIED' });
    expect(await traceOf('oidc', refused)).toMatchObject({ action: 'signin.refused', code: 'EMAIL_NOT_VERIFIED' });
    const vouched: Prepared = { ...refused, subject: `ned-${randomUUID()}`, emailVerified: true };
    const signedIn = await signInThrough('oidc', home, vouched);
    expect(signedIn.code).toBe('ok');
    expect(await sessionLogin(signedIn.session)).toEqual({ login: email, platformAdmin: false });
  });

  it('#12.3: a second `sub` with the email of a member linked to another `sub` is refused, and no second identity row appears (OIDC Core 5.7)', async () => {
    const home = homes.on;
    const email = unique('ann');
    const { membershipId } = await t.addMember(home.team.teamId, email);
    const first: Prepared = { email, subject: `ann-1-${randomUUID()}`, plain: false, emailVerified: true };
    expect((await signInThrough('oidc', home, first)).code).toBe('ok');
    const second: Prepared = { ...first, subject: `ann-2-${randomUUID()}` };
    expect(await signInThrough('oidc', home, second)).toEqual({ code: 'IDENTITY_LINKED_ELSEWHERE' });
    expect(await traceOf('oidc', second)).toMatchObject({ action: 'signin.refused', code: 'IDENTITY_LINKED_ELSEWHERE' });
    const rows = await t.core
      .em()
      .execute<Array<{ subject: string }>>('select subject from identity where membership_id = ?', [membershipId]);
    expect(rows.map((r) => r.subject)).toEqual([first.subject]);
    // The first subject still is the member, whatever email it asserts later.
    const renamed = await signInThrough('oidc', home, { ...first, email: unique('ann-new') });
    expect(renamed.code).toBe('ok');
    expect(await sessionLogin(renamed.session)).toEqual({ login: email, platformAdmin: false });
  });

  it('#12.3: first sign-ins of one member with the same subject at once (a double submit, two tabs) all succeed, with one link', async () => {
    const home = homes.on;
    let email = '';
    let subject = '';
    // The core's completion itself, eight at once, for 15 people: the HTTP flows around it spread
    // out too much to meet in the one statement that links and opens the session.
    for (let round = 0; round < 15; round++) {
      email = unique('dora');
      subject = `dora-${randomUUID()}`;
      const { membershipId } = await t.addMember(home.team.teamId, email);
      const identity = {
        teamId: home.team.teamId,
        connectionId: home.saml.trusting.id,
        protocol: 'saml',
        method: 'saml',
        subject,
        email,
        emailVerified: true,
      };
      const results = await Promise.all(Array.from({ length: 8 }, () => t.core.signIn.complete(identity)));
      expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(Array(8).fill('ok'));
      const rows = await t.core.read<{ subject: string }>('select subject from identity where membership_id = ?', [membershipId]);
      expect(rows.map((r) => r.subject)).toEqual([subject]);
    }
    // A later sign-in through the full SAML flow is the same member.
    const later = await signInThrough('saml', home, { email, subject, plain: false, emailVerified: true });
    expect(later.code).toBe('ok');
    expect(await sessionLogin(later.session)).toEqual({ login: email, platformAdmin: false });
  });

  it('#12.3: core/0004 keeps the first subject of each member and connection, audits the links it removes, and then holds it with an index', async () => {
    const email = unique('dup');
    const { membershipId } = await t.addMember(homes.off.team.teamId, email);
    const em = t.core.em();
    await em.execute('drop index identity_membership_connection_uq');
    try {
      const insert = (subject: string, at: string) =>
        em.execute(
          `insert into identity (id, team_id, membership_id, connection_id, subject, created_at) values (gen_random_uuid(), ?, ?, 'conn-x', ?, ?)`,
          [homes.off.team.teamId, membershipId, subject, at],
        );
      await insert('original', '2026-01-01T00:00:00Z');
      await insert('added-by-email', '2026-02-01T00:00:00Z');
    } finally {
      await em.execute(coreMigrations.find((m) => m.name === 'core/0004-identity-rule')!.sql);
    }
    const rows = await em.execute<Array<{ subject: string }>>('select subject from identity where membership_id = ?', [membershipId]);
    expect(rows.map((r) => r.subject)).toEqual(['original']);
    const audit = await em.execute<Array<{ subject: string }>>(
      `select data->>'subject' as subject from audit_event where action = 'identity.unlinked' and target_id = ?`,
      [membershipId],
    );
    expect(audit).toEqual([{ subject: 'added-by-email' }]);
    await expect(
      em.execute(
        `insert into identity (id, team_id, membership_id, connection_id, subject) values (gen_random_uuid(), ?, ?, 'conn-x', 'again')`,
        [homes.off.team.teamId, membershipId],
      ),
    ).rejects.toThrow(/identity_membership_connection_uq/);
  });

  it("#12.8: SAML and WS-Fed JIT create nobody in another team's verified domain; nor can SCIM rename a member into it", async () => {
    const home = homes.on;
    for (const channel of ['saml', 'wsfed'] as const) {
      const p: Prepared = { email: unique(`jit-${channel}`, otherDomain), subject: `s-${randomUUID()}`, plain: false, emailVerified: true };
      expect(await signInThrough(channel, home, p)).toEqual({ code: 'DOMAIN_OF_ANOTHER_TEAM' });
      expect(await traceOf(channel, p)).toMatchObject({ action: 'signin.refused', code: 'DOMAIN_OF_ANOTHER_TEAM' });
      expect(await t.core.em().findOne(User, { login: p.email })).toBeNull();
    }
    const email = unique('mover');
    const created = await provisionThrough('scim', home, { email, subject: '', plain: false, emailVerified: true });
    expect(created.code).toBe('ok');
    const [member] = await t.core
      .em()
      .execute<Array<{ id: string }>>('select m.id from membership m join "user" u on u.id = m.user_id where u.login = ?', [email]);
    const moved = unique('moved', otherDomain);
    const patch = await fetch(`${t.url}/scim/v2/${home.team.slug}/Users/${member!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${home.scimToken}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'userName', value: moved }],
      }),
    });
    expect(patch.status).toBe(409);
    expect(await patch.json()).toMatchObject({ scimType: 'uniqueness' });
    const refusals = await t.core
      .em()
      .execute<Array<{ code: string }>>(
        `select data->>'code' as code from audit_event where action = 'member.refused' and data->>'membershipId' = ?`,
        [member!.id],
      );
    expect(refusals).toEqual([{ code: 'DOMAIN_OF_ANOTHER_TEAM' }]);
    expect(await t.core.em().findOne(User, { login: moved })).toBeNull();
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, type RosterPlugin } from '@roster/plugin-sdk';
import { eventually, startTestRoster, type TestRoster } from '@roster/server/testing';
import { emailLinkPlugin } from '../src/index.js';
import { parseEmailLinkOptions } from '../src/options.js';
import { startInbox, type Received } from './inbox.js';

let t: TestRoster;
let inbox: Awaited<ReturnType<typeof startInbox>>;

// The team's IdP, as another plugin would declare it: needed to make a team "SSO required".
const corporateIdp = definePlugin({
  name: 'corp-idp',
  version: '1.0.0',
  signInMethods: [{ id: 'corp-sso', label: 'Corporate SSO', sso: true }],
});

beforeAll(async () => {
  inbox = await startInbox();
  t = await startTestRoster({
    plugins: [emailLinkPlugin({ smtpUrl: inbox.url, perAddressLimit: 3, perIpLimit: 8 }), corporateIdp as RosterPlugin<unknown>],
    // Each test names its own client address (X-Forwarded-For), so the per-IP limit of one test spares the others.
    config: { trustProxy: true },
  });
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
});

let ipCounter = 10;
/** A client address of its own for each test. */
const newIp = () => `203.0.113.${ipCounter++}`;

async function team(methods: string[], ssoRequired = false) {
  const team = await t.createTeam();
  const r = await t.gql(
    'mutation($id: ID!, $p: SignInPolicyInput!) { setSignInPolicy(teamId: $id, policy: $p) { id } }',
    { id: team.teamId, p: { methods, ssoRequired } },
    { token: team.ownerToken },
  );
  expect(r.errors).toBeUndefined();
  return team;
}

function ask(email: string, teamSlug: string, ip: string, extra: Record<string, string> = {}) {
  return fetch(`${t.url}/email-link/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email, team: teamSlug, ...extra }),
  });
}

/** The link in the one message sent to `to` after `since` messages. */
async function linkSentTo(to: string, since = 0): Promise<{ url: URL; mail: Received }> {
  let mail: Received | undefined;
  await eventually(() => (mail = inbox.messages.slice(since).find((m) => m.to.includes(to))) !== undefined);
  const match = /https?:\/\/\S+\/email-link\/verify\?token=[A-Za-z0-9_-]{43}/.exec(mail!.text);
  if (!match) throw new Error(`no link in:\n${mail!.text}`);
  return { url: new URL(match[0]), mail: mail! };
}

/** What the button on the confirm page does: a same-origin form post. */
function confirm(token: string, origin = new URL(t.url).origin) {
  return fetch(`${t.url}/email-link/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, accept: 'application/json' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
}

async function viewerWith(setCookie: string | null): Promise<string | null> {
  const cookie = setCookie?.split(';')[0];
  if (!cookie) return null;
  const r = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ query: '{ me { login } }' }),
  });
  return ((await r.json()) as { data?: { me: { login: string } | null } }).data?.me?.login ?? null;
}

async function tokensOf(membershipId: string): Promise<number> {
  const [row] = await t.core.em().execute('select count(*)::int as n from email_link_token where membership_id = ?', [membershipId]);
  return (row as { n: number }).n;
}

/** Refusal codes the plugin and the core traced for an address (R19). */
async function refusalCodes(email: string): Promise<string[]> {
  const rows = await t.core
    .em()
    .execute<Array<{ code: string }>>(
      "select data->>'code' as code from audit_event where action = 'signin.refused' and channel = 'email-link' and lower(data->>'email') = lower(?) order by at",
      [email],
    );
  return rows.map((r) => r.code);
}

describe('@roster/plugin-email-link', () => {
  it('#15.2: request, receive over SMTP, click, confirm, session — the token is kept only as a SHA-256 hash, for 15 minutes', async () => {
    const a = await team(['password', 'email-link']);
    const email = `ada@${a.slug}.example.com`;
    const ada = await t.addMember(a.teamId, email);

    const asked = await ask(email, a.slug, newIp(), { return_to: '/welcome' });
    expect(asked.status).toBe(202);
    const { url, mail } = await linkSentTo(email);
    expect(mail.from).toBe(`no-reply@${new URL(t.url).hostname}`);
    expect(mail.raw).toMatch(/^Subject: Your sign-in link/m);
    const token = url.searchParams.get('token')!;
    expect(`${url.origin}${url.pathname}`).toBe(`${t.url}/email-link/verify`);

    // At rest: the hash only.
    const rows = await t.core
      .em()
      .execute<Array<{ token_hash: string; ttl: number; used_at: Date | null }>>(
        'select token_hash, extract(epoch from expires_at - created_at)::int as ttl, used_at from email_link_token where membership_id = ?',
        [ada.membershipId],
      );
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex'), ttl: 900, used_at: null }]);

    // Opening the link (or a mail scanner fetching it) only shows a button: nothing is consumed.
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/email-link/verify">');
    expect(html).toContain(`name="token" value="${token}"`);
    expect(page.headers.get('set-cookie')).toBeNull();
    const [unused] = await t.core.em().execute('select used_at from email_link_token where membership_id = ?', [ada.membershipId]);
    expect(unused).toEqual({ used_at: null });

    const signedIn = await confirm(token);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/welcome');
    expect(await viewerWith(signedIn.headers.get('set-cookie'))).toBe(email);
    const [ok] = await t.core
      .em()
      .execute("select channel, target_id from audit_event where action = 'signin.succeeded' and channel = 'email-link' and team_id = ?", [
        a.teamId,
      ]);
    expect(ok).toEqual({ channel: 'email-link', target_id: ada.membershipId });
  });

  it('#15.2: a link works once — reuse is refused, and of two clicks at once exactly one signs in', async () => {
    const a = await team(['email-link']);
    const email = `bo@${a.slug}.example.com`;
    await t.addMember(a.teamId, email);
    await ask(email, a.slug, newIp());
    const token = (await linkSentTo(email)).url.searchParams.get('token')!;
    const both = await Promise.all([confirm(token), confirm(token)]);
    expect(both.map((r) => r.status).sort()).toEqual([303, 410]);
    const again = await confirm(token);
    expect(again.status).toBe(410);
    expect(((await again.json()) as { error: string }).error).toBe('EMAIL_LINK_USED');
    const [traced] = await t.core
      .em()
      .execute<Array<{ n: number }>>(
        "select count(*)::int as n from audit_event where action = 'signin.refused' and team_id = ? and data->>'code' = 'EMAIL_LINK_USED'",
        [a.teamId],
      );
    expect(traced!.n).toBe(2);
  });

  it('#15.2: an expired link is refused (EMAIL_LINK_EXPIRED); a made-up one is refused (EMAIL_LINK_INVALID)', async () => {
    const a = await team(['email-link']);
    const email = `cy@${a.slug}.example.com`;
    const cy = await t.addMember(a.teamId, email);
    await ask(email, a.slug, newIp());
    const token = (await linkSentTo(email)).url.searchParams.get('token')!;
    // Fifteen minutes later.
    await t.core
      .em()
      .execute("update email_link_token set expires_at = now() - interval '1 second' where membership_id = ?", [cy.membershipId]);
    const late = await confirm(token);
    expect(late.status).toBe(410);
    expect(((await late.json()) as { error: string }).error).toBe('EMAIL_LINK_EXPIRED');

    const madeUp = await confirm('A'.repeat(43));
    expect(((await madeUp.json()) as { error: string }).error).toBe('EMAIL_LINK_INVALID');
    const garbage = await fetch(`${t.url}/email-link/verify?token=%00`, { headers: { accept: 'text/html' } });
    expect(garbage.status).toBe(400);
  });

  it('#15.2: an inactive member gets no link, and a link sent before deactivation no longer signs in (R7)', async () => {
    const a = await team(['email-link']);
    const email = `di@${a.slug}.example.com`;
    const di = await t.addMember(a.teamId, email);
    const ip = newIp();
    await ask(email, a.slug, ip);
    const token = (await linkSentTo(email)).url.searchParams.get('token')!;
    await t.gql('mutation($id: ID!) { deactivateMember(id: $id) { id } }', { id: di.membershipId }, { token: a.ownerToken });

    const refused = await confirm(token);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('MEMBER_INACTIVE');
    expect(refused.headers.get('set-cookie')).toBeNull();

    const before = inbox.messages.length;
    const asked = await ask(email, a.slug, ip);
    expect(asked.status).toBe(202);
    expect(await tokensOf(di.membershipId)).toBe(1);
    expect(inbox.messages.slice(before).some((m) => m.to.includes(email))).toBe(false);
    expect(await refusalCodes(email)).toContain('MEMBER_INACTIVE');
  });

  it('#15.2 (R3): a team that requires SSO sends no link, and a link sent before the switch is refused (SSO_REQUIRED)', async () => {
    const a = await team(['email-link', 'corp-sso']);
    const email = `ed@${a.slug}.example.com`;
    const ed = await t.addMember(a.teamId, email);
    const ip = newIp();
    await ask(email, a.slug, ip);
    const token = (await linkSentTo(email)).url.searchParams.get('token')!;
    const r = await t.gql(
      'mutation($id: ID!) { setSignInPolicy(teamId: $id, policy: { methods: ["email-link", "corp-sso"], ssoRequired: true }) { id } }',
      { id: a.teamId },
      { token: a.ownerToken },
    );
    expect(r.errors).toBeUndefined();

    expect(((await (await confirm(token)).json()) as { error: string }).error).toBe('SSO_REQUIRED');
    await ask(email, a.slug, ip);
    expect(await tokensOf(ed.membershipId)).toBe(1);
    expect(await refusalCodes(email)).toContain('SSO_REQUIRED');
  });

  it('#15.2: a team whose policy does not list email-link sends no link (SIGN_IN_METHOD_NOT_ALLOWED)', async () => {
    const a = await team(['password']);
    const email = `fy@${a.slug}.example.com`;
    const fy = await t.addMember(a.teamId, email);
    const asked = await ask(email, a.slug, newIp());
    expect(asked.status).toBe(202);
    expect(await tokensOf(fy.membershipId)).toBe(0);
    expect(await refusalCodes(email)).toEqual(['SIGN_IN_METHOD_NOT_ALLOWED']);
  });

  it('#15.2: an unknown address, a member of another team and a member get the same answer (no enumeration)', async () => {
    const a = await team(['email-link']);
    const b = await team(['email-link']);
    const member = `gil@${a.slug}.example.com`;
    const other = `hal@${b.slug}.example.com`;
    await t.addMember(a.teamId, member);
    await t.addMember(b.teamId, other);
    const before = inbox.messages.length;
    const answers = [];
    for (const email of [`nobody@${a.slug}.example.com`, other, member]) {
      const r = await ask(email, a.slug, newIp());
      answers.push({ status: r.status, body: await r.text(), type: r.headers.get('content-type') });
    }
    expect(answers[0]).toEqual(answers[2]);
    expect(answers[1]).toEqual(answers[2]);
    await linkSentTo(member, before);
    expect(inbox.messages.slice(before).flatMap((m) => m.to)).toEqual([member]);
    expect(await refusalCodes(`nobody@${a.slug}.example.com`)).toEqual(['NOT_PROVISIONED']);
    expect(await refusalCodes(other)).toEqual(['NOT_PROVISIONED']);
  });

  it('#15.2: requests are limited per address and per client address, in PostgreSQL, for known and unknown addresses alike', async () => {
    const a = await team(['email-link']);
    const known = `ivy@${a.slug}.example.com`;
    await t.addMember(a.teamId, known);
    for (const email of [known, `ghost@${a.slug}.example.com`]) {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await ask(email, a.slug, newIp())).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
    }
    const ip = newIp();
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await ask(`spray${i}@${a.slug}.example.com`, a.slug, ip)).status);
    expect(statuses).toEqual([...Array(8).fill(202), 429]);
    const limited = await ask(`spray-last@${a.slug}.example.com`, a.slug, ip);
    expect(((await limited.json()) as { error: string }).error).toBe('EMAIL_LINK_TOO_MANY_REQUESTS');
    const [counters] = await t.core
      .em()
      .execute<Array<{ n: number }>>("select count(*)::int as n from email_link_rate where key like 'addr:%' and key like ?", [
        `%${createHash('sha256').update(known).digest('hex')}`,
      ]);
    expect(counters!.n).toBe(1);
  });

  it('#15.2: a confirmation posted from another site is refused (login CSRF), and bad input is a 400, never a 500', async () => {
    const a = await team(['email-link']);
    const email = `jo@${a.slug}.example.com`;
    await t.addMember(a.teamId, email);
    await ask(email, a.slug, newIp());
    const token = (await linkSentTo(email)).url.searchParams.get('token')!;
    const cross = await confirm(token, 'https://evil.example');
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: string }).error).toBe('EMAIL_LINK_CROSS_SITE');
    // The link was not spent by the refused post.
    expect((await confirm(token)).status).toBe(303);

    for (const body of [{}, { email: 'x', team: a.slug }, { email, team: 'no spaces allowed' }, { email: `a\u0000@x.com`, team: a.slug }]) {
      const r = await fetch(`${t.url}/email-link/request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': newIp() },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(400);
    }
  });

  it('#15.2: the SMTP server comes from ROSTER_SMTP_URL unless the option names one; a bad URL stops the boot', () => {
    expect(parseEmailLinkOptions({}, {}, { ROSTER_SMTP_URL: 'smtp://mail.example.com:587' }).smtpUrl).toBe('smtp://mail.example.com:587');
    expect(parseEmailLinkOptions({}, { smtpUrl: 'smtps://a.example:465' }, { ROSTER_SMTP_URL: 'smtp://b.example' }).smtpUrl).toBe(
      'smtps://a.example:465',
    );
    expect(parseEmailLinkOptions(undefined, {}, {})).toMatchObject({ smtpUrl: null, ttlSeconds: 900, perAddressLimit: 5, perIpLimit: 30 });
    expect(() => parseEmailLinkOptions({}, {}, { ROSTER_SMTP_URL: 'http://mail.example.com' })).toThrow(/smtp/);
    expect(() => parseEmailLinkOptions({ ttlSeconds: 0 }, {}, {})).toThrow(/ttlSeconds/);
  });
});

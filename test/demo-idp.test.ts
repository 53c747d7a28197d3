import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { DEMO, demoConfig, loadConfig, seedDemo, verifyDemoDomain } from '@roster/server';
import { connectDemoTeam, DEMO_DOMAIN, demoIdpPlugin, type DemoWiring } from '@roster/plugin-demo-idp';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { wsfedPlugin } from '@roster/plugin-wsfed';

/**
 * Issue #17: the test identity providers, over real HTTP, on a server booted as the demo is
 * (seedDemo, then the wiring `roster serve --demo` runs once it listens).
 */
let t: TestRoster;
let dataDir: string;
let wired: DemoWiring;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roster-demo-idp-'));
  t = await startTestRoster({
    plugins: [samlPlugin(), oidcPlugin(), wsfedPlugin(), demoIdpPlugin()],
    pluginOptions: { 'demo-idp': { dataDir }, oidc: { allowInsecureIssuers: true } },
  });
  const { teamId } = await seedDemo(t.core);
  await verifyDemoDomain(t.core, teamId, DEMO_DOMAIN);
  wired = await connectDemoTeam({ baseUrl: t.url, dataDir, email: DEMO.email, password: DEMO.password });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A browser without JavaScript: a cookie jar, redirects followed, forms submitted as a person would. */
class Browser {
  readonly cookies = new Map<string, string>();
  readonly visited: string[] = [];
  constructor(private readonly answers: Record<string, string>) {}

  async go(url: string): Promise<Response> {
    let res = await this.request(url, { method: 'GET' });
    for (let hops = 0; hops < 20; hops++) {
      if (res.status >= 300 && res.status < 400) {
        res = await this.request(new URL(res.headers.get('location')!, res.url || url).toString(), { method: 'GET' });
        continue;
      }
      const type = res.headers.get('content-type') ?? '';
      if (!type.includes('text/html')) return res;
      const page = await res.text();
      const form = /<form\b[^>]*\bmethod="post"[^>]*\baction="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
      if (!form) return new Response(page, { status: res.status, headers: res.headers });
      const action = new URL(unescape(form[1]!), res.url).toString();
      const fields = new URLSearchParams();
      const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
      for (const [tag] of form[2]!.matchAll(/<input\b[^>]*>/g)) {
        const name = attr(tag, 'name');
        const value = attr(tag, 'value') ?? '';
        const type = attr(tag, 'type');
        if (!name) continue;
        if (type === 'hidden') fields.set(unescape(name), unescape(value));
        else if (type === 'radio' && / checked\b/.test(tag) && !fields.has(name)) fields.set(name, unescape(value));
      }
      for (const [name, value] of Object.entries(this.answers)) if (form[2]!.includes(`name="${name}"`)) fields.set(name, value);
      res = await this.request(action, {
        method: 'POST',
        body: fields.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    throw new Error(`too many hops: ${this.visited.join(' → ')}`);
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    this.visited.push(`${init.method} ${url.split('?')[0]}`);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';', 1);
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), value);
    }
    Object.defineProperty(res, 'url', { value: url });
    return res;
  }
}

function unescape(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

async function whoAmI(browser: Browser): Promise<string | null> {
  const session = browser.cookies.get('roster_session');
  if (!session) return null;
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `roster_session=${session}` },
    body: JSON.stringify({ query: '{ me { login } }' }),
  });
  const body = (await res.json()) as { data?: { me: { login: string } | null } };
  return body.data?.me?.login ?? null;
}

interface Attempt {
  outcome: string;
  step: string | null;
  reason: string | null;
  email: string | null;
}
async function adminCookie(): Promise<string> {
  const login = await fetch(`${t.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
  });
  return login.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
}

async function lastAttempt(protocol: 'saml' | 'oidc' | 'wsfed'): Promise<Attempt> {
  const field = { saml: 'samlConnections', oidc: 'oidcConnections', wsfed: 'wsfedConnections' }[protocol];
  const id = wired[protocol].id;
  const cookie = await adminCookie();
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ query: `{ me { team { ${field} { id attempts(limit: 1) { outcome step reason email } } } } }` }),
  });
  const body = (await res.json()) as { data: { me: { team: Record<string, Array<{ id: string; attempts: Attempt[] }>> } } };
  const conn = body.data.me.team[field]!.find((c) => c.id === id)!;
  return conn.attempts[0]!;
}

const PROTOCOLS = ['saml', 'oidc', 'wsfed'] as const;

describe('#17 test identity providers (demo)', () => {
  it('#17.3: the demo domain routes to SSO through home-realm discovery, one connection per protocol', async () => {
    const res = await fetch(`${t.url}/auth/discover?email=${encodeURIComponent(`ada@${DEMO_DOMAIN}`)}`);
    const answer = (await res.json()) as { connections: Array<{ protocol: string; connectionId: string }> };
    expect(answer.connections.map((c) => c.protocol).sort()).toEqual(['oidc', 'saml', 'wsfed']);
    expect(answer.connections.map((c) => c.connectionId).sort()).toEqual([wired.oidc.id, wired.saml.id, wired.wsfed.id].sort());
  });

  it('#17.3: wiring again changes nothing (idempotent across restarts)', async () => {
    const again = await connectDemoTeam({ baseUrl: t.url, dataDir, email: DEMO.email, password: DEMO.password });
    expect(again).toEqual(wired);
  });

  for (const protocol of PROTOCOLS) {
    it(`#17.1: ${protocol} — a demo person signs in end to end through the test IdP`, async () => {
      const browser = new Browser({ who: 'grace' });
      await browser.go(wired[protocol].loginUrl);
      expect(await whoAmI(browser)).toBe(`grace@${DEMO_DOMAIN}`);
      expect(await lastAttempt(protocol)).toMatchObject({ outcome: 'success', email: `grace@${DEMO_DOMAIN}` });
    });

    it(`#17.1: ${protocol} — an unknown user is refused (NOT_PROVISIONED at the policy step)`, async () => {
      const browser = new Browser({ who: 'mallory' });
      await browser.go(wired[protocol].loginUrl);
      expect(await whoAmI(browser)).toBeNull();
      const attempt = await lastAttempt(protocol);
      expect(attempt).toMatchObject({ outcome: 'failure', step: 'policy', email: `mallory@${DEMO_DOMAIN}` });
      expect(attempt.reason).toContain('not a member');
    });

    it(`#17.1: ${protocol} — an inactive member is refused (MEMBER_INACTIVE, R7)`, async () => {
      const browser = new Browser({ who: 'ian' });
      await browser.go(wired[protocol].loginUrl);
      expect(await whoAmI(browser)).toBeNull();
      const attempt = await lastAttempt(protocol);
      expect(attempt).toMatchObject({ outcome: 'failure', step: 'policy' });
      expect(attempt.reason).toContain('inactive');
    });
  }

  for (const protocol of ['saml', 'wsfed'] as const) {
    it(`#17.1: ${protocol} — an expired assertion is refused, with the step in the trace`, async () => {
      const browser = new Browser({ who: 'ada:expired' });
      await browser.go(wired[protocol].loginUrl);
      expect(await whoAmI(browser)).toBeNull();
      const attempt = await lastAttempt(protocol);
      expect(attempt.outcome).toBe('failure');
      expect(attempt.step).toBe('time');
      expect(attempt.reason ?? '').toMatch(/expire|NotOnOrAfter|lifetime|not yet valid|NotBefore/i);
    });

    it(`#17.1: ${protocol} — an assertion for another audience is refused, with the step in the trace`, async () => {
      const browser = new Browser({ who: 'ada:wrong-audience' });
      await browser.go(wired[protocol].loginUrl);
      expect(await whoAmI(browser)).toBeNull();
      const attempt = await lastAttempt(protocol);
      expect(attempt).toMatchObject({ outcome: 'failure', step: 'audience' });
      // SAML says "audience"; WS-Fed says the assertion is meant for another realm.
      expect(attempt.reason ?? '').toMatch(/audience|is meant for "urn:example-sso:some-other-app"/i);
    });
  }

  it('#17.1: WS-Fed with a SAML 2.0 token signs in too', async () => {
    const browser = new Browser({ who: 'alan', token: '2.0' });
    await browser.go(wired.wsfed.loginUrl);
    expect(await whoAmI(browser)).toBe(`alan@${DEMO_DOMAIN}`);
  });

  it('#17.1: SAML on the HTTP-POST binding signs a demo person in too', async () => {
    const owner = await adminCookie();
    const setBinding = (binding: 'post' | 'redirect') =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: owner },
        body: JSON.stringify({
          query: 'mutation($id: ID!, $b: SamlBinding!) { updateSamlConnection(id: $id, input: { idpSsoBinding: $b }) { idpSsoBinding } }',
          variables: { id: wired.saml.id, b: binding },
        }),
      });
    expect(await (await setBinding('post')).json()).toEqual({ data: { updateSamlConnection: { idpSsoBinding: 'post' } } });
    try {
      const browser = new Browser({ who: 'alan' });
      await browser.go(wired.saml.loginUrl);
      expect(browser.visited).toContain(`POST ${t.url}/demo-idp/saml/sso`);
      expect(await whoAmI(browser)).toBe(`alan@${DEMO_DOMAIN}`);
    } finally {
      await setBinding('redirect');
    }
  });

  it('#17.1: IdP-initiated SAML signs a demo person in', async () => {
    const browser = new Browser({ who: 'ada' });
    await browser.go(wired.samlIdpInitiatedUrl);
    expect(await whoAmI(browser)).toBe(`ada@${DEMO_DOMAIN}`);
  });

  it('#17.1: single logout, SP-initiated and IdP-initiated, ends the Roster session', async () => {
    const sp = new Browser({ who: 'ada' });
    await sp.go(wired.saml.loginUrl);
    expect(await whoAmI(sp)).toBe(`ada@${DEMO_DOMAIN}`);
    const session = sp.cookies.get('roster_session')!;
    const done = await sp.go(`${t.url}/saml/${wired.saml.id}/logout`);
    expect(sp.visited.some((v) => v.includes('/demo-idp/saml/slo'))).toBe(true);
    expect(done.status).toBeLessThan(400);
    sp.cookies.set('roster_session', session);
    expect(await whoAmI(sp)).toBeNull();

    const idp = new Browser({ who: 'grace' });
    await idp.go(wired.saml.loginUrl);
    expect(await whoAmI(idp)).toBe(`grace@${DEMO_DOMAIN}`);
    const page = await idp.go(`${t.url}/demo-idp/saml/logout?connection=${wired.saml.id}&who=grace`);
    expect(await page.text()).toContain('single logout done');
    expect(await whoAmI(idp)).toBeNull();
  });

  it('#17.1: the sign-in page is plain HTML with labelled choices, misbehaving ones included', async () => {
    const res = await fetch(`${t.url}/demo-idp/saml/idp-initiated?connection=${wired.saml.id}`);
    const page = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<legend>Sign in as</legend>');
    expect(page).not.toContain('<script');
    for (const label of ['unknown user', 'inactive member', 'expired assertion', 'another audience']) expect(page).toContain(label);
  });

  it('#17.4: GET / lists the test IdPs', async () => {
    const res = await fetch(`${t.url}/`, { headers: { accept: 'application/json' } });
    expect(JSON.stringify(await res.json())).toContain('/demo-idp/saml/metadata');
  });
});

describe('#17.2: refused outside demo mode', () => {
  it('#17.2: serve --demo loosens nothing for the test IdPs on DATABASE_URL; on the embedded database it lets SSO reach them', () => {
    const shared = demoConfig(loadConfig({ DATABASE_URL: 'postgres://db.example.com/roster' }), {});
    expect(shared.pluginOptions['demo-idp']).toEqual({ dataDir: null, sharedDatabase: true });
    expect(shared.outboundAllowAddresses).toEqual([]);
    expect(shared.pluginOptions.oidc).toBeUndefined();
    const embedded = demoConfig(loadConfig({ ROSTER_DATA_DIR: '/tmp/x' }), {});
    expect(embedded.plugins).toContain('demo-idp');
    expect(embedded.pluginOptions['demo-idp']).toEqual({ dataDir: '/tmp/x', sharedDatabase: false });
    expect(embedded.outboundAllowAddresses).toEqual(['127.0.0.1']);
    expect(embedded.pluginOptions.oidc).toEqual({ allowInsecureIssuers: true });
  });

  for (const [name, opts] of [
    ['NODE_ENV=production', { config: { production: true, logLevel: 'info' } }],
    ['DATABASE_URL', { pluginOptions: { 'demo-idp': { sharedDatabase: true } } }],
  ] as const) {
    it(`#17.2: with ${name} the test IdPs are not mounted and answer 404`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'roster-demo-idp-off-'));
      const lines: string[] = [];
      const off = await startTestRoster({
        plugins: [demoIdpPlugin()],
        pluginOptions: { 'demo-idp': { dataDir: dir, ...('pluginOptions' in opts ? opts.pluginOptions['demo-idp'] : {}) } },
        config: 'config' in opts ? opts.config : { logLevel: 'info' },
        roster: { logStream: { write: (line: string) => void lines.push(line) } },
      });
      try {
        for (const path of [
          '/demo-idp/',
          '/demo-idp/saml/metadata',
          '/demo-idp/oidc/.well-known/openid-configuration',
          '/demo-idp/wsfed?wa=wsignin1.0',
        ])
          expect((await fetch(`${off.url}${path}`)).status).toBe(404);
        expect(lines.join('\n')).toContain('test identity providers are NOT mounted');
      } finally {
        await off.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('#17.4: where to start', () => {
  it('#17.4: /demo-idp/ lists the demo connections’ sign-in URLs', async () => {
    const page = await (await fetch(`${t.url}/demo-idp/`)).text();
    for (const p of PROTOCOLS) expect(page).toContain(wired[p].loginUrl.replace(/&/g, '&amp;'));
  });
});

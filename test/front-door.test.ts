import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin } from '@roster/plugin-sdk';
import { scimPlugin } from '@roster/plugin-scim';
import { DEFAULT_PLUGINS, demoPlugins, loadConfig } from '@roster/server';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

// A plugin whose label would be markup if the page did not escape it.
const loud = definePlugin({
  name: 'loud',
  version: '1.2.3',
  setup(ctx) {
    ctx.http.advertise({ label: '<script>alert(1)</script> export', path: '/loud/{team}/"x"' });
  },
});

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({ plugins: [scimPlugin() as never, loud as never], roster: { migrate: true } });
});
afterAll(async () => {
  await t?.close();
});

describe('front door (GET /)', () => {
  it('#14: answers a self-contained HTML page under a CSP that allows only its own inline style', async () => {
    const r = await fetch(`${t.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await r.text();
    // Nothing external: no scripts, no remote stylesheets, fonts or images.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    // The inline style is exactly the one the CSP hash allows.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    for (const path of ['/graphql', '/healthz', '/readyz', '/metrics', '/auth/login', '/scim/v2/{team}'])
      expect(html).toContain(`${t.url}${path}`);
    expect(html).toContain(`<a href="${t.url}/healthz">`);
    expect(html).toContain('Admin console');
    expect(html).toContain(`<a href="${t.url}/admin">`);
  });

  it('#14: escapes what plugins advertise', async () => {
    const html = await (await fetch(`${t.url}/`)).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; export');
    expect(html).toContain('/loud/{team}/&#34;x&#34;');
  });

  it('#14: answers JSON to Accept: application/json, with the same links', async () => {
    const r = await fetch(`${t.url}/`, { headers: { accept: 'application/json' } });
    expect(r.headers.get('content-type')).toContain('application/json');
    const body = (await r.json()) as {
      links: Array<{ url: string }>;
      plugins: Array<{ name: string; entryPoints: Array<{ url: string }> }>;
      adminConsole: string;
    };
    expect(body.links.map((l) => l.url)).toContain(`${t.url}/graphql`);
    expect(body.plugins.map((p) => p.name)).toEqual(['scim', 'loud']);
    expect(body.plugins[0]!.entryPoints.map((e) => e.url)).toEqual([`${t.url}/scim/v2/{team}`]);
    expect(body.adminConsole).toBe(`${t.url}/admin`);
  });

  it('#14: a plugin cannot advertise a relative path', async () => {
    const bad = definePlugin({
      name: 'bad',
      version: '1.0.0',
      setup(ctx) {
        ctx.http.advertise({ label: 'x', path: 'relative' });
      },
    });
    await expect(startTestRoster({ plugins: [bad as never] })).rejects.toThrow(/must start with "\/"/);
  });
});

describe('default plugins', () => {
  it('#14: the example plugin is off by default and on in the demo, unless ROSTER_PLUGINS chooses', () => {
    expect(DEFAULT_PLUGINS).not.toContain('example-captures');
    const defaults = loadConfig({}).plugins;
    expect(defaults).toEqual(['scim', 'saml', 'oidc', 'wsfed']);
    expect(demoPlugins(defaults, {})).toEqual([...defaults, 'example-captures', 'demo-idp']);
    expect(demoPlugins(['scim'], { ROSTER_PLUGINS: 'scim' })).toEqual(['scim']);
  });
});

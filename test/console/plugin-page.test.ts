/**
 * #16 "Plugins": a plugin brings its own console page (plugins/example-captures/console), composed
 * at build time from the plugin set and shown only when the server loaded the plugin. Three
 * Rosters, one browser: the console built with the plugin against a server running it (the page,
 * with data from the plugin's resolver); built without it (no entry, no page); built with it
 * against a server that does not run it (no entry: the console asks the server which plugins it loaded).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { capturesPlugin } from '@roster/plugin-example-captures';
import { oidcPlugin } from '@roster/plugin-oidc';
import { scimPlugin } from '@roster/plugin-scim';
import { ensureBuilt } from './build.js';
import { HAVE_BROWSER, launchBrowser, openPage, shot, signInAt } from './browser.js';

const WITH_CAPTURES = fileURLToPath(new URL('../../test-output/console-builds/with-captures', import.meta.url));

let browser: Browser;
let withoutCaptures: string;
const rosters: TestRoster[] = [];

beforeAll(async () => {
  // The default set (no example-captures) into dist/, and the same plus example-captures beside it.
  withoutCaptures = await ensureBuilt();
  await ensureBuilt({ plugins: ['scim', 'saml', 'oidc', 'wsfed', 'example-captures'], outDir: WITH_CAPTURES });
  if (HAVE_BROWSER) browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const t of rosters) await t.close();
});

/** SCIM and OIDC (the sign-in page's home-realm discovery is OIDC's `signInOptions`), with or without example-captures. */
async function roster(plugins: 'with' | 'without', consoleDir: string): Promise<TestRoster> {
  const t = await startTestRoster({
    plugins: [scimPlugin(), oidcPlugin(), ...(plugins === 'with' ? [capturesPlugin()] : [])],
    roster: { consoleDir },
  });
  rosters.push(t);
  return t;
}

/** Signed in to a Roster serving `consoleDir`: no Captures in the nav, and its path is an unknown page. */
async function noCapturesEntry(consoleDir: string, plugins: 'with' | 'without'): Promise<void> {
  const t = await roster(plugins, consoleDir);
  const team = await t.createTeam();
  const { context, page, problems } = await openPage(browser, 1280);
  await signInAt(page, t.url, `owner@${team.slug}.example.com`, 'test-password');
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'SCIM' }).waitFor();
  expect(await nav.getByRole('link', { name: 'Captures' }).count()).toBe(0);
  await page.goto(`${t.url}/admin/captures`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  expect(problems).toEqual([]);
  await context.close();
}

describe('a plugin’s own console page (#16 Plugins)', () => {
  it('#16 Plugins: each build records the plugin set it composed', async () => {
    const recorded = async (dir: string) =>
      (JSON.parse(await readFile(join(dir, 'roster-plugins.json'), 'utf8')) as { plugins: string[] }).plugins;
    expect(await recorded(withoutCaptures)).toEqual(['scim', 'saml', 'oidc', 'wsfed']);
    expect(await recorded(WITH_CAPTURES)).toEqual(['scim', 'saml', 'oidc', 'wsfed', 'example-captures']);
  });

  it.skipIf(!HAVE_BROWSER)(
    '#16 Plugins: built with example-captures and served by a Roster running it, its nav entry opens its page with data from its resolver (1280 px)',
    async () => {
      const t = await roster('with', WITH_CAPTURES);
      const team = await t.createTeam();
      const created = await t.gql('mutation { createCapture(title: "Lead from the Lisbon fair") { id } }', {}, { token: team.ownerToken });
      expect(created.errors).toBeUndefined();
      const { context, page, problems } = await openPage(browser, 1280);
      await signInAt(page, t.url, `owner@${team.slug}.example.com`, 'test-password');
      await page.getByRole('heading', { name: 'Members' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Captures' }).click();
      await page.getByRole('heading', { name: 'Captures' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/admin/captures');
      const row = page.getByRole('row', { name: /Lead from the Lisbon fair/ });
      await row.getByText(`owner@${team.slug}.example.com`).waitFor();
      // The protocol sections of the same build stay as the server's plugins say: SCIM and SSO
      // (OIDC) run here; SAML's presets are not offered, its plugin is not loaded.
      expect(await nav.getByRole('link', { name: 'SCIM' }).count()).toBe(1);
      expect(await nav.getByRole('link', { name: 'SSO' }).count()).toBe(1);
      await shot(page, '1280-plugin-page-captures');
      // A reload on the plugin's own path stays on it.
      await page.reload();
      await page.getByRole('row', { name: /Lead from the Lisbon fair/ }).waitFor();
      expect(problems).toEqual([]);
      await context.close();
    },
  );

  it.skipIf(!HAVE_BROWSER)(
    '#16 Plugins: a console built without example-captures has no Captures entry, even on a Roster running the plugin',
    () => noCapturesEntry(withoutCaptures, 'with'),
  );

  it.skipIf(!HAVE_BROWSER)(
    '#16 Plugins: a console built with example-captures shows no Captures entry on a Roster that did not load the plugin',
    () => noCapturesEntry(WITH_CAPTURES, 'without'),
  );
});

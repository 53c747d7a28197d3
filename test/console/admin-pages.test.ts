/**
 * Issue #16, the team admin's remaining pages in a real Chromium against a real Roster
 * (PostgreSQL, then PGlite): sign-in policy, verified domains, API tokens, audit log.
 * Screenshots under test-output/console/, each checked by axe-core first.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '@roster/core';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { ensureBuilt } from './build.js';
import { HAVE_BROWSER, launchBrowser, openPage, shot, signInAt } from './browser.js';

let t: TestRoster;
let browser: Browser;
/** The DNS the domain check reads: what the test "publishes". */
const dns = new Map<string, string[][]>();

beforeAll(async () => {
  ensureBuilt();
  t = await startTestRoster({
    plugins: [samlPlugin(), oidcPlugin({ allowInsecureIssuers: true })],
    roster: { resolveTxt: async (name: string) => dns.get(name) ?? [] },
  });
  if (HAVE_BROWSER) browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function asOwner(width: number): Promise<{ page: Page; problems: string[]; team: Awaited<ReturnType<TestRoster['createTeam']>>; close: () => Promise<void> }> {
  const team = await t.createTeam();
  const { context, page, problems } = await openPage(browser, width);
  await signInAt(page, t.url, `owner@${team.slug}.example.com`, 'test-password');
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  return { page, problems, team, close: () => context.close() };
}

async function policyOf(teamId: string, token: string) {
  const r = await t.gql<{ team: { signInPolicy: { methods: string[]; ssoRequired: boolean; jitProvisioning: boolean } } }>(
    'query($id: ID!) { team(id: $id) { signInPolicy { methods ssoRequired jitProvisioning } } }',
    { id: teamId },
    { token },
  );
  return r.data!.team.signInPolicy;
}

describe('admin console: policy, domains, API tokens, audit log (#16)', () => {
  it.skipIf(!HAVE_BROWSER)(
    '#16.1: sign-in policy: methods from signInMethods, boxes that would lock every admin out are disabled with the reason, the server’s refusal in words (1280 px)',
    async () => {
      const { page, problems, team, close } = await asOwner(1280);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign-in policy' }).click();
      const box = (name: RegExp) => page.getByRole('checkbox', { name });
      await box(/^SAML 2\.0/).waitFor();
      // Every method this server declares is offered, core's and the plugins'.
      for (const name of [/^Password/, /^SAML 2\.0/, /^OpenID Connect/, /^Google/]) await box(name).waitFor();

      // Down to the password alone: its box can't be unchecked, and SSO can't be required.
      for (const name of [/^SAML 2\.0/, /^OpenID Connect/, /^Google/]) await box(name).uncheck();
      expect(await box(/^Password/).isDisabled()).toBe(true);
      await page.getByText('The last allowed method can’t be turned off: nobody, admins included, could sign in.').waitFor();
      expect(await box(/^SSO required/).isDisabled()).toBe(true);
      await page.getByText('Allow an SSO method first').waitFor();

      // SAML, then SSO required: the password is off, SAML is the last way in.
      await box(/^SAML 2\.0/).check();
      await box(/^SSO required/).check();
      expect(await box(/^Password/).isDisabled()).toBe(true);
      expect(await box(/^Password/).isChecked()).toBe(false);
      await page.getByText('Off while SSO is required').first().waitFor();
      expect(await box(/^SAML 2\.0/).isDisabled()).toBe(true);
      await page.getByText('The last SSO method can’t be turned off while SSO is required').waitFor();
      await box(/just in time/).check();
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByRole('status').getByText('The sign-in policy was saved').waitFor();
      await shot(page, '1280-sign-in-policy');
      expect(await policyOf(team.teamId, team.ownerToken)).toEqual({ methods: ['password', 'saml'], ssoRequired: true, jitProvisioning: true });

      // Past the page's guard (a stale page, a script): the server refuses and the page says why.
      await page.evaluate(() => {
        const saml = Array.from(document.querySelectorAll('label')).find((l) => l.textContent?.trim().startsWith('SAML'))!.querySelector('input')!;
        saml.disabled = false;
        saml.click();
      });
      await page.getByRole('button', { name: 'Save policy' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText(/SSO required turns off every non-SSO method/).waitFor();
      await alert.getByText('BAD_USER_INPUT').waitFor();
      await shot(page, '1280-sign-in-policy-refused');
      expect((await policyOf(team.teamId, team.ownerToken)).methods).toEqual(['password', 'saml']);
      expect(problems).toEqual([]);
      await close();
    },
    120_000,
  );

  it.skipIf(!HAVE_BROWSER)(
    '#16.2 #16.3: a domain with its TXT record to copy, a refused verification in words, verified once published; an API token shown once, used, revoked (1280 px)',
    async () => {
      const { page, problems, team, close } = await asOwner(1280);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Domains' }).click();
      await page.getByText('No domain yet.').waitFor();
      await page.getByLabel('Domain', { exact: true }).fill('not a domain');
      await page.getByRole('button', { name: 'Add domain' }).click();
      await page.getByRole('alert').getByText('"not a domain" is not a domain name.').waitFor();

      const domain = `${team.slug}-corp.example`;
      await page.getByLabel('Domain', { exact: true }).fill(domain);
      await page.getByRole('button', { name: 'Add domain' }).click();
      const card = page.getByRole('region', { name: domain });
      await card.getByText('Not verified').waitFor();
      await card.getByText(`_roster-challenge.${domain}`).waitFor();
      const txt = (await card.getByTestId('txt-record').textContent())!;
      expect(txt).toMatch(/^roster-verification=[0-9a-f]{32}$/);
      await card.getByRole('button', { name: 'Copy record value' }).waitFor();

      await card.getByRole('button', { name: `Verify ${domain}` }).click();
      const alert = page.getByRole('alert');
      await alert.getByText(`Add a TXT record "_roster-challenge.${domain}" with the value "${txt}".`).waitFor();
      await alert.getByText('DOMAIN_NOT_VERIFIED').waitFor();
      await shot(page, '1280-domain-not-verified');

      dns.set(`_roster-challenge.${domain}`, [[txt]]);
      await card.getByRole('button', { name: `Verify ${domain}` }).click();
      await page.getByRole('status').getByText(`${domain} is verified.`).waitFor();
      await card.getByText('Verified', { exact: true }).waitFor();
      await shot(page, '1280-domain-verified');

      // API tokens: the secret once, with a copy button; it works, then revoked it does not.
      await nav.getByRole('link', { name: 'API tokens' }).click();
      await page.getByText('No live API token.').waitFor();
      await page.getByLabel('Token name').fill('billing service');
      await page.keyboard.press('Enter');
      const secret = (await page.getByTestId('api-token-secret').textContent())!;
      await page.getByRole('button', { name: 'Copy Secret of “billing service”' }).waitFor();
      await page.getByRole('row', { name: /billing service/ }).waitFor();
      await shot(page, '1280-api-token-created');
      const asToken = () => t.gql<{ team: { name: string } }>('query($id: ID!) { team(id: $id) { name } }', { id: team.teamId }, { token: secret });
      expect((await asToken()).data?.team.name).toBeTruthy();
      await page.getByRole('button', { name: 'I have copied it' }).click();
      expect(await page.getByTestId('api-token-secret').count()).toBe(0);
      await page.getByRole('button', { name: 'Revoke billing service' }).click();
      await page.getByRole('status').getByText('“billing service” was revoked').waitFor();
      await page.getByText('No live API token.').waitFor();
      expect((await asToken()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]);
      await close();
    },
    120_000,
  );

  it.skipIf(!HAVE_BROWSER)(
    '#16.4: the audit log filters by action, actor, outcome and time, and pages; the sign-in policy at 390 px',
    async () => {
      const { page, problems, team, close } = await asOwner(390);
      // 60 provisioned members: more events than a page holds (50).
      for (let i = 0; i < 60; i++)
        await t.core.members.provision(team.teamId, { userName: `p${i}@${team.slug}.example.com`, email: `p${i}@${team.slug}.example.com` }, SYSTEM_ACTOR);
      const refused = await fetch(`${t.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `p1@${team.slug}.example.com`, password: 'wrong' }),
      });
      await refused.arrayBuffer();

      await page.goto(`${t.url}/admin/audit`);
      await page.getByRole('heading', { name: 'Audit log' }).waitFor();
      await page.getByText('Events 1–50').waitFor();
      await shot(page, '390-audit-log', false);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText(/^Events 51–/).waitFor();
      await page.getByRole('button', { name: 'Previous' }).click();
      await page.getByText('Events 1–50').waitFor();

      await page.getByLabel('Outcome').selectOption('failure');
      await page.getByRole('cell', { name: 'signin.refused' }).first().waitFor();
      expect(await page.getByRole('cell', { name: 'member.provisioned' }).count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('outcome')).toBe('failure');
      await page.getByLabel('Outcome').selectOption('');

      await page.getByLabel('Action').selectOption({ label: 'Members' });
      await page.getByRole('cell', { name: 'member.provisioned' }).first().waitFor();
      expect(await page.getByRole('cell', { name: 'signin.refused' }).count()).toBe(0);
      await page.getByLabel('Action').selectOption('');

      await page.getByLabel('Actor').fill('nobody-at-all');
      await page.getByText('No event matches these filters.').waitFor();
      await page.getByLabel('Actor').fill('');
      await page.getByText('Events 1–50').waitFor();

      // A window in the future holds nothing.
      await page.getByLabel('From').fill('2099-01-01T00:00');
      await page.getByText('No event matches these filters.').waitFor();
      await page.getByLabel('From').fill('');
      await page.getByText('Events 1–50').waitFor();

      await page.goto(`${t.url}/admin/sign-in-policy`);
      await page.getByRole('checkbox', { name: /^SAML 2\.0/ }).waitFor();
      await shot(page, '390-sign-in-policy');
      expect(problems).toEqual([]);
      await close();
    },
    120_000,
  );
});

/**
 * Issue #16, the team admin's remaining pages in a real Chromium against a real Roster
 * (PostgreSQL, then PGlite): sign-in policy, verified domains, API tokens, audit log, webhooks
 * (against a real receiver on loopback, which the test kit's outbound policy allows), platform admin.
 * Screenshots under test-output/console/, each checked by axe-core first.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SYSTEM_ACTOR } from '@roster/core';
import { createAdmin } from '@roster/server';
import { startTestRoster, type TestRoster } from '@roster/server/testing';
import { oidcPlugin } from '@roster/plugin-oidc';
import { samlPlugin } from '@roster/plugin-saml';
import { ensureBuilt } from './build.js';
import { HAVE_BROWSER, launchBrowser, openPage, shot, signInAt } from './browser.js';

let t: TestRoster;
let browser: Browser;
/** A webhook receiver: answers 500 to its first request, then 204; keeps what it received. */
let receiver: Server | undefined;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
async function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/roster`;
}
/** The DNS the domain check reads: what the test "publishes". */
const dns = new Map<string, string[][]>();

beforeAll(async () => {
  await ensureBuilt();
  t = await startTestRoster({
    plugins: [samlPlugin(), oidcPlugin({ allowInsecureIssuers: true })],
    roster: { resolveTxt: async (name: string) => dns.get(name) ?? [] },
  });
  if (HAVE_BROWSER) browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  await browser?.close();
  await t?.close();
});

async function asOwner(
  width: number,
): Promise<{ page: Page; problems: string[]; team: Awaited<ReturnType<TestRoster['createTeam']>>; close: () => Promise<void> }> {
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
      expect(await policyOf(team.teamId, team.ownerToken)).toEqual({
        methods: ['password', 'saml'],
        ssoRequired: true,
        jitProvisioning: true,
      });

      // Past the page's guard (a stale page, a script): the server refuses and the page says why.
      await page.evaluate(() => {
        const saml = Array.from(document.querySelectorAll('label'))
          .find((l) => l.textContent?.trim().startsWith('SAML'))!
          .querySelector('input')!;
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
      const asToken = () =>
        t.gql<{ team: { name: string } }>('query($id: ID!) { team(id: $id) { name } }', { id: team.teamId }, { token: secret });
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
        await t.core.members.provision(
          team.teamId,
          { userName: `p${i}@${team.slug}.example.com`, email: `p${i}@${team.slug}.example.com` },
          SYSTEM_ACTOR,
        );
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
      await expect.poll(() => page.getByRole('cell', { name: 'member.provisioned' }).count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('outcome')).toBe('failure');
      await page.getByLabel('Outcome').selectOption('');

      await page.getByLabel('Action').selectOption({ label: 'Members' });
      await page.getByRole('cell', { name: 'member.provisioned' }).first().waitFor();
      await expect.poll(() => page.getByRole('cell', { name: 'signin.refused' }).count()).toBe(0);
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
  it.skipIf(!HAVE_BROWSER)(
    '#16.5: webhooks: an endpoint for chosen event types, its secret once, a real receiver’s 500 in the delivery log with its timing, redelivered to a 204, disabled with the reason shown (1280 px)',
    async () => {
      const url = await startReceiver();
      const { page, problems, team, close } = await asOwner(1280);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByText('No endpoint yet.').waitFor();
      await page.getByLabel('URL').fill(url);
      await page.getByLabel('Description').fill('Billing app');
      await page.getByRole('checkbox', { name: /Every event/ }).uncheck();
      await page.getByRole('checkbox', { name: 'member.created' }).check();
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      const secret = (await page.getByTestId('webhook-secret').textContent())!;
      expect(secret).toMatch(/^whsec_/);
      await page
        .getByRole('row', { name: /Billing app/ })
        .getByText('member.created')
        .waitFor();
      await shot(page, '1280-webhooks');
      await page.getByRole('link', { name: url }).click();
      await page.getByRole('heading', { name: url }).waitFor();
      await page.getByText('No delivery yet').waitFor();

      // An event of the chosen type: the worker sends it within a second; the receiver answers 500.
      const added = await t.gql(
        'mutation($t: ID!, $e: String!) { addMember(teamId: $t, input: { email: $e }) { id } }',
        { t: team.teamId, e: `hook@${team.slug}.example.com` },
        { token: team.ownerToken },
      );
      expect(added.errors).toBeUndefined();
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return page.getByRole('cell', { name: 'HTTP 500' }).count();
          },
          { timeout: 20_000, interval: 1000 },
        )
        .toBe(1);
      expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
      expect(JSON.parse(received[0]!.body).type).toBe('member.created');
      const row = page.getByRole('row', { name: /member\.created/ });
      await row.getByText('Pending').waitFor();
      await row.getByText(/^\d+ ms$/).waitFor();

      await row.getByRole('button', { name: /^Redeliver member\.created/ }).click();
      await row.getByText('Delivered', { exact: true }).waitFor({ timeout: 20_000 });
      await row.getByRole('cell', { name: 'HTTP 204' }).waitFor();
      await row.getByText('2 attempts').click();
      await row.getByText(/HTTP 500 in \d+ ms/).waitFor();
      await row.getByText(/HTTP 204 in \d+ ms/).waitFor();
      expect(received.map((r) => r.headers['webhook-id'])).toEqual([
        received[0]!.headers['webhook-id'],
        received[0]!.headers['webhook-id'],
      ]);
      await shot(page, '1280-webhook-deliveries');

      await page.getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = (await page.getByTestId('webhook-secret').textContent())!;
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await page.getByRole('button', { name: 'Disable' }).click();
      await page.getByTestId('endpoint-state').getByText('Disabled: disabled by an admin').waitFor();
      await page.getByRole('button', { name: 'Enable' }).waitFor();
      await shot(page, '1280-webhook-disabled');
      expect(problems).toEqual([]);
      await close();
    },
    120_000,
  );

  it.skipIf(!HAVE_BROWSER)(
    '#16.6: a platform admin finds a team, creates one and opens its pages under /teams/<id> (390 px, the list at 1280 px)',
    async () => {
      const existing = await t.createTeam();
      await createAdmin(t.core, null, 'ops@platform.example', 'ops-password-1');
      const { context, page, problems } = await openPage(browser, 390);
      await signInAt(page, t.url, 'ops@platform.example', 'ops-password-1');
      await page.getByRole('heading', { name: 'Teams' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/admin/teams');
      await page.getByLabel('Find a team').fill(existing.slug);
      await page.getByText(/^1 of \d+ teams$/).waitFor();
      await shot(page, '390-teams');

      const slug = `acme-${existing.slug.slice(2)}`;
      await page.getByLabel('Name', { exact: true }).fill('Acme Rockets');
      await page.getByLabel('Slug').fill(slug);
      await page.getByRole('button', { name: 'Create team' }).click();
      await page.getByRole('heading', { name: 'Members' }).waitFor();
      const teamId = /\/admin\/teams\/([^/]+)\/members$/.exec(new URL(page.url()).pathname)![1]!;
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('cell', { name: 'team.created' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/admin/teams/${teamId}/audit`);
      await shot(page, '390-platform-team-audit', false);
      // A reload keeps the team: the URL names it.
      await page.reload();
      await page.getByRole('cell', { name: 'team.created' }).waitFor();

      await nav.getByRole('link', { name: 'All teams' }).click();
      await page.getByRole('link', { name: 'Acme Rockets' }).waitFor();
      await page.setViewportSize({ width: 1280, height: 900 });
      await shot(page, '1280-teams', false);
      expect(problems).toEqual([]);
      await context.close();
    },
    120_000,
  );
});

/**
 * The browser side of the console journeys (#16): Debian's Chromium through playwright-core,
 * pages that fail on script errors or CSP violations, axe-core before every screenshot.
 * Shared by the journey files so each boots only the Roster it needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// A clone without Chromium still passes `npm test`: the browser journeys say they were skipped.
// CI installs Chromium (.ci/run) and never skips them.
export const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER) {
  if (process.env.CI)
    throw new Error(
      `No Chromium at ${CHROMIUM}: CI runs the console's browser journeys (apt-get install -y chromium, or set CHROMIUM_PATH).`,
    );
  console.warn(
    `Skipping the admin console's browser journeys: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`,
  );
}
export const SHOTS = fileURLToPath(new URL('../../test-output/console/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page that fails the test on any script error or CSP violation. */
export async function openPage(browser: Browser, width: number): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: width > 600 ? 900 : 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

// axe-core (pinned) runs in the page through the DevTools protocol, which the console's CSP does not restrict.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** #16 quality bar: no serious or critical axe-core violation on the page as it is now. */
export async function accessible(page: Page, name: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe-core on ${name}`).toEqual([]);
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** What a person sees (the whole page, or only the first screen for long lists), checked by axe-core first. */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await accessible(page, name);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Keyboard only: type, Enter, type, Enter. */
export async function signInAt(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/admin`);
  await page.getByLabel('Work email').fill(email);
  await page.keyboard.press('Enter');
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
}

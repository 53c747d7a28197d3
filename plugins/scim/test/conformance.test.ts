/**
 * The identity vendors' own conformance suites, unmodified, against a real Roster (HTTP +
 * PostgreSQL or PGlite): Okta's SCIM 2.0 SPEC test (Runscope export, offline runner) and
 * Microsoft's SCIM reference collection (newman). Both must end with zero failed assertions.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceSuite, type TestRoster } from '@roster/server/testing';
import { REPO_ROOT, client, emptyTeam, startScimRoster } from './support.js';

// The vendors' data is not in the repository: without ROSTER_CONFORMANCE_DIR the suites skip
// (the test run says so in one line); CI sets it.
const OKTA_DIR = conformanceSuite('okta');
const MS_DIR = conformanceSuite('microsoft');

let t: TestRoster;

/** Runs a command without blocking the event loop: the server under test lives in this process. */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe.skipIf(!OKTA_DIR || !MS_DIR)('conformance suites (unmodified)', () => {
  beforeAll(async () => {
    t = await startScimRoster();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("Okta's SCIM 2.0 SPEC test: every assertion passes (R2, R5, R17)", async () => {
    const team = await emptyTeam(t, { tokenName: 'okta' });
    // The suite starts by reading "one existing user" with names and an email.
    const seeded = await client(team).post('/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'existing.user@example.com',
      name: { givenName: 'Existing', familyName: 'User' },
      emails: [{ value: 'existing.user@example.com', type: 'work', primary: true }],
      active: true,
    });
    expect(seeded.status).toBe(201);
    const r = await run(
      process.execPath,
      [
        join(OKTA_DIR!, 'runscope-runner.mjs'),
        join(OKTA_DIR!, 'Okta-SCIM-20-SPEC-Test.json'),
        '--var',
        `SCIMBaseURL=${team.base}`,
        '--var',
        `auth=Bearer ${team.token}`,
      ],
      REPO_ROOT,
    );
    const summary = /(\d+) passed, (\d+) failed/.exec(r.stdout);
    if (r.code !== 0 || !summary || summary[2] !== '0') console.error(r.stdout, r.stderr);
    expect(summary, r.stdout + r.stderr).not.toBeNull();
    expect({ code: r.code, failed: Number(summary![2]) }).toEqual({ code: 0, failed: 0 });
    if (process.env.SCIM_CONFORMANCE_LOG) console.log(r.stdout);
    // The export holds 53 assertions plus one post-response script over 12 requests.
    expect(Number(summary![1])).toBeGreaterThanOrEqual(53);
  }, 120_000);

  it("Microsoft's SCIM reference collection (newman): every assertion passes", async () => {
    const team = await emptyTeam(t, { tokenName: 'entra' });
    const dir = await mkdtemp(join(tmpdir(), 'roster-newman-'));
    const report = join(dir, 'report.json');
    try {
      const port = new URL(t.url).port;
      const r = await run(
        'pnpm',
        [
          'exec',
          'newman',
          'run',
          join(MS_DIR!, 'PostmanCollection.json'),
          '--env-var',
          'Protocol=http',
          '--env-var',
          'Server=127.0.0.1',
          '--env-var',
          `Port=:${port}`,
          '--env-var',
          `Api=scim/v2/${team.slug}`,
          '--env-var',
          `token=${team.token}`,
          '--folder',
          'Endpoint tests',
          '--folder',
          'User tests',
          '--folder',
          'Group tests',
          '--folder',
          'ComplexAttribute tests',
          '--folder',
          'User tests with garbage',
          '--folder',
          'Group tests with garbage',
          '--folder',
          'Teardown garbage',
          '--reporters',
          'cli,json',
          '--reporter-json-export',
          report,
        ],
        REPO_ROOT,
      );
      const json = JSON.parse(await readFile(report, 'utf8')) as {
        run: {
          stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
          failures: Array<{ error: { message: string }; source?: { name?: string } }>;
        };
      };
      const { stats, failures } = json.run;
      if (r.code !== 0 || stats.assertions.failed !== 0) console.error(r.stdout.slice(-20_000), r.stderr);
      expect(failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
      expect({ code: r.code, failedAssertions: stats.assertions.failed, failedRequests: stats.requests.failed }).toEqual({
        code: 0,
        failedAssertions: 0,
        failedRequests: 0,
      });
      expect(stats.requests.total).toBe(76); // the seven folders the conformance README names
      expect(stats.assertions.total).toBe(103);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

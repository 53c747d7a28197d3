/**
 * ACS throughput next to raw node-saml validation of the same responses, in one process and one
 * run. Opt-in (`SAML_BENCH=1`): a measurement, not a check, and it takes ~half a minute. Run it on
 * PostgreSQL (ROSTER_TEST_PG_URL); on PGlite the database shares this process's one thread.
 *
 *   SAML_BENCH=1 ROSTER_TEST_PG_URL=… npx vitest run plugins/saml/test/acs-throughput.test.ts
 *
 * The harness scenario `bench/scenarios/saml-acs.mjs` measures the same under HTTP load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { validateSamlResponse, type SamlConnectionConfig } from '../src/index.js';
import { fastIdp } from './support/fast-idp.js';
import { IDP } from './support/idp.js';
import { createConnection, startSamlRoster, type Connection, type SamlRoster } from './support/roster.js';
import { IDP_ENTITY } from './support/test-idp.js';

const N = Number(process.env.SAML_BENCH_N ?? 2000);
const CONCURRENCY = Number(process.env.SAML_BENCH_CONCURRENCY ?? 16);

let node: SamlRoster;
let conn: Connection;
let pool: string[];
const EMAIL = 'bench@example.com';

beforeAll(async () => {
  if (!process.env.SAML_BENCH) return;
  node = await startSamlRoster();
  const team = await node.t.createTeam();
  await node.t.addMember(team.teamId, EMAIL);
  conn = await createConnection(node.t, team, { allowIdpInitiated: true });
  const make = fastIdp({ key: IDP.key, idpEntityId: IDP_ENTITY, spEntityId: conn.entityId, acsUrl: conn.acsUrl, nameId: EMAIL });
  pool = await Promise.all(Array.from({ length: 2 * N + 200 }, (_, i) => make(i)));
}, 300_000);
afterAll(async () => {
  await node?.t.close();
});

async function measure(label: string, count: number, concurrency: number, run: (i: number) => Promise<void>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const row = {
    label,
    count,
    concurrency,
    perSecond: Math.round((count / ms) * 1000),
    cpuMsPerOp: Number((cpuMs / count).toFixed(3)),
    perCoreSecond: Math.round(count / (cpuMs / 1000)),
  };
  console.info(JSON.stringify(row));
  return row;
}

describe('ACS throughput (opt-in measurement)', () => {
  // A measurement, not a check: skipped unless SAML_BENCH is set (see the header).
  it.skipIf(!process.env.SAML_BENCH)(
    'validated sign-ins per second through the ACS vs raw node-saml validation',
    async () => {
      const raw = new SAML({
        callbackUrl: conn.acsUrl,
        issuer: conn.entityId,
        audience: conn.entityId,
        idpCert: IDP.cert,
        wantAuthnResponseSigned: false,
        wantAssertionsSigned: true,
        validateInResponseTo: ValidateInResponseTo.never,
        acceptedClockSkewMs: 180_000,
      });
      const config: SamlConnectionConfig = {
        id: conn.id,
        teamId: 'x',
        spEntityId: conn.entityId,
        acsUrl: conn.acsUrl,
        idpEntityId: IDP_ENTITY,
        idpSsoUrl: 'https://idp.test/sso',
        idpCerts: [IDP.cert],
        allowIdpInitiated: true,
      };
      const deps = { now: () => new Date(), replay: { claim: async () => true }, requests: { take: async () => null } };
      // Same responses on every side; the ACS consumes each one once (replay cache).
      const first = await raw.validatePostResponseAsync({ SAMLResponse: pool[0] as string });
      expect(first.profile?.nameID).toBe(EMAIL);
      expect((await validateSamlResponse({ samlResponse: pool[0] as string }, config, deps)).ok).toBe(true);

      const warm = Math.min(200, N);
      for (let i = 0; i < warm; i++) {
        await raw.validatePostResponseAsync({ SAMLResponse: pool[i] as string });
        await validateSamlResponse({ samlResponse: pool[i] as string }, config, deps);
      }
      const acs = async (i: number) => {
        const r = await node.t.roster.app.inject({
          method: 'POST',
          url: new URL(conn.acsUrl).pathname,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `SAMLResponse=${encodeURIComponent(pool[i] as string)}`,
        });
        if (r.statusCode !== 302) throw new Error(`ACS answered ${r.statusCode}: ${r.body}`);
      };
      for (let i = 0; i < warm; i++) await acs(2 * N + i);

      const rows = [
        await measure('raw node-saml validatePostResponseAsync', N, 1, async (i) => {
          await raw.validatePostResponseAsync({ SAMLResponse: pool[i] as string });
        }),
        await measure('validateSamlResponse (no I/O)', N, 1, async (i) => {
          await validateSamlResponse({ samlResponse: pool[i] as string }, config, deps);
        }),
        await measure('Roster ACS (inject), serial', Math.floor(N / 2), 1, (i) => acs(i)),
        await measure(`Roster ACS (inject), ${CONCURRENCY} concurrent`, N - Math.floor(N / 2), CONCURRENCY, (i) =>
          acs(Math.floor(N / 2) + i),
        ),
      ];
      console.info(`database: ${node.t.database}`);
      expect(rows.every((r) => r.perSecond > 0)).toBe(true);
    },
    600_000,
  );
});

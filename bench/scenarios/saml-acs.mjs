// SAML ACS: validated sign-ins per second through Roster's ACS route, next to raw node-saml
// validation of the same responses, in the same run (issue 4: ≥ 500 sign-ins/s per core, within
// 1.5× of raw validation).
//
// Every sign-in needs a fresh assertion (the ACS keeps a replay cache in PostgreSQL), and load
// targets are plain data, so both sides are driven through a small driver route on a bare Fastify
// app: it takes the next pre-signed IdP-initiated response from a pool and
//   - roster:   injects it into Roster's real `POST /saml/:id/acs` (validation, replay claim, the
//               core's sign-in with policy checks, session, audit) and expects the 302;
//   - baseline: runs `@node-saml/node-saml` `validatePostResponseAsync` on it (validation only,
//               no database: node-saml has no replay cache, which is Roster's to add).
// Both drivers run in this process, so `node CPU ms/req` compares like with like.
//
// Needs the saml plugin (on by default; with ROSTER_PLUGINS set, include "saml"). Responses are signed with the SAML plugin's test IdP key (test fixture).
// BENCH_SAML_POOL sets the number of pre-signed responses (default: three times what a short
// calibration run says the rounds and warm-up can consume, at least 300/s).
import { createHash, sign as rsaSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const signAsync = promisify(rsaSign);
const fixture = (name) => readFileSync(new URL(`../../plugins/saml/test/fixtures/${name}`, import.meta.url), 'utf8');
const IDP_KEY = fixture('idp-key.pem');
const IDP_CERT = fixture('idp-cert.pem');
const IDP_ENTITY = 'https://idp.bench.test/metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const explicitlyAsked = [...process.argv.slice(2), ...(process.env.BENCH_SCENARIOS ?? '').split(',')].some((s) => s.trim() === 'saml-acs');

const pluginRequire = createRequire(new URL('../../plugins/saml/package.json', import.meta.url));
const esc = (v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Distinct, validly signed IdP-initiated responses (assertion signed), canonicalised with Roster's own c14n. */
async function signedResponses(count, { spEntityId, acsUrl, nameId }) {
  const { excC14n, parseXmlSafely } = await import('../../packages/xml-security/dist/index.js');
  const make = async (index) => {
    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString();
    const id = `_bench_${now.toString(36)}_${index}`;
    const later = iso(now + 30 * 60_000);
    const issuer = `<saml:Issuer>${esc(IDP_ENTITY)}</saml:Issuer>`;
    const rest = [
      `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(nameId)}</saml:NameID>`,
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${later}" Recipient="${esc(acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>`,
      `<saml:Conditions NotBefore="${iso(now - 60_000)}" NotOnOrAfter="${later}"><saml:AudienceRestriction><saml:Audience>${esc(spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`,
      `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id}_s"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${esc(nameId)}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`,
    ].join('');
    const open = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}">`;
    const canonical = excC14n(parseXmlSafely(`${open}${issuer}${rest}</saml:Assertion>`).documentElement, []);
    const digest = createHash('sha256').update(canonical).digest('base64');
    const signedInfo = `<ds:SignedInfo xmlns:ds="${DS}"><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod><ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
    const value = (await signAsync('sha256', Buffer.from(signedInfo), IDP_KEY)).toString('base64');
    const signature = `<ds:Signature xmlns:ds="${DS}">${signedInfo}<ds:SignatureValue>${value}</ds:SignatureValue></ds:Signature>`;
    const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}_r" Version="2.0" IssueInstant="${iso(now)}" Destination="${esc(acsUrl)}">${issuer}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${open}${issuer}${signature}${rest}</saml:Assertion></samlp:Response>`;
    return Buffer.from(xml, 'utf8').toString('base64');
  };
  const out = new Array(count);
  for (let start = 0; start < count; start += 500) {
    const batch = await Promise.all(Array.from({ length: Math.min(500, count - start) }, (_, i) => make(start + i)));
    batch.forEach((field, i) => {
      out[start + i] = field;
    });
  }
  return out;
}

/** One sign-in through Roster's real ACS route (Fastify inject: the whole route, no socket). */
async function inject(ctx, acsPath, field, check = true) {
  const r = await ctx.roster.instance.app.inject({
    method: 'POST',
    url: acsPath,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `SAMLResponse=${encodeURIComponent(field)}`,
  });
  if (check && r.statusCode !== 302) throw new Error(`saml-acs: ACS answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
  return r;
}

async function gql(ctx, query, variables) {
  const r = await fetch(`${ctx.roster.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.team.ownerToken}` },
    body: JSON.stringify({ query, variables }),
  });
  return r.json();
}

export default {
  name: 'saml-acs',
  description:
    'SAML ACS sign-in (IdP-initiated, assertion signed, RSA-2048): Roster POST /saml/:id/acs end to end vs raw node-saml validatePostResponseAsync of the same responses (no database)',

  async setup(ctx) {
    const created = await gql(
      ctx,
      `mutation($teamId: ID!, $input: SamlConnectionInput!) { createSamlConnection(teamId: $teamId, input: $input) { id entityId acsUrl } }`,
      {
        teamId: ctx.team.teamId,
        input: {
          name: 'bench',
          idpEntityId: IDP_ENTITY,
          idpSsoUrl: 'https://idp.bench.test/sso',
          idpCertificates: [IDP_CERT],
          allowIdpInitiated: true,
          // The bench IdP vouches for the emails it asserts (the owner's): the admin's call, and the
          // first sign-in links the owner (#12's identity rule refuses an unvouched email).
          trustEmails: true,
        },
      },
    );
    if (created.errors) {
      const message = `saml-acs needs the saml plugin (ROSTER_PLUGINS=…,saml): ${created.errors[0]?.message}`;
      if (explicitlyAsked) throw new Error(message);
      ctx.log(`${message} — skipped (both sides answer a constant)`);
      return { skipped: true };
    }
    const conn = created.data.createSamlConnection;
    const me = await gql(ctx, '{ me { login } }');
    const nameId = me.data.me.login;
    const s = ctx.settings;
    const spec = { spEntityId: conn.entityId, acsUrl: conn.acsUrl, nameId };
    const acsPath = new URL(conn.acsUrl).pathname;
    let size = Number(process.env.BENCH_SAML_POOL ?? 0);
    if (!size) {
      // Calibrate: a pool too small would end the run in 503s, a huge one costs minutes to sign.
      const sample = await signedResponses(100, spec);
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 4 }, async (_, lane) => {
          for (let i = lane; i < sample.length; i += 4) await inject(ctx, acsPath, sample[i]);
        }),
      );
      const perSecond = sample.length / ((performance.now() - t) / 1000);
      // Cold JIT makes the calibration pessimistic: three times its rate, and at least 300/s.
      size = Math.min(200_000, Math.ceil(Math.max(perSecond * 3, 300) * (s.rounds * s.seconds + s.warmupSeconds)) + s.serialSamples + 200);
      ctx.log(`saml-acs: calibration ${perSecond.toFixed(0)} sign-ins/s → pool of ${size}`);
    }
    const t0 = performance.now();
    const pool = await signedResponses(size, spec);
    ctx.log(`saml-acs: ${size} signed responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { conn, nameId, pool, acsPath };
  },

  async roster(ctx) {
    const st = ctx.state;
    let next = 0;
    const url = await ctx.baseline.start(async (app) => {
      app.post('/acs', async (_request, reply) => {
        if (st.skipped) return { ok: true, skipped: true };
        const field = st.pool[next++];
        if (!field) return reply.code(503).send({ error: 'pool of signed responses exhausted (raise BENCH_SAML_POOL)' });
        const r = await inject(ctx, st.acsPath, field, false);
        if (r.statusCode !== 302) return reply.code(502).send({ error: `ACS answered ${r.statusCode}`, body: r.body.slice(0, 300) });
        return { ok: true, location: r.headers.location, session: String(r.headers['set-cookie'] ?? '').includes('roster_session=') };
      });
    });
    return { url: `${url}/acs`, method: 'POST' };
  },

  async baseline(ctx) {
    const st = ctx.state;
    let next = 0;
    const { SAML, ValidateInResponseTo } = pluginRequire('@node-saml/node-saml');
    const raw = st.skipped
      ? null
      : new SAML({
          callbackUrl: st.conn.acsUrl,
          issuer: st.conn.entityId,
          audience: st.conn.entityId,
          idpCert: IDP_CERT,
          wantAuthnResponseSigned: false,
          wantAssertionsSigned: true,
          validateInResponseTo: ValidateInResponseTo.never,
          acceptedClockSkewMs: 180_000,
        });
    const url = await ctx.baseline.start(async (app) => {
      app.post('/raw', async () => {
        if (!raw) return { ok: true, skipped: true };
        // The same responses Roster consumes, cycled (node-saml keeps no replay cache).
        const { profile } = await raw.validatePostResponseAsync({ SAMLResponse: st.pool[next++ % st.pool.length] });
        return { ok: true, nameId: profile?.nameID ?? null };
      });
    });
    return { url: `${url}/raw`, method: 'POST' };
  },

  verify(ctx, { roster, baseline }) {
    if (ctx.state.skipped) return;
    if (!roster.json?.ok || !roster.json.session) throw new Error(`saml-acs: Roster did not sign in: ${roster.text.slice(0, 300)}`);
    if (baseline.json?.nameId !== ctx.state.nameId) throw new Error(`saml-acs: node-saml did not validate: ${baseline.text.slice(0, 300)}`);
  },
};

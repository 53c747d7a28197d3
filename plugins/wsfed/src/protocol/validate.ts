import { createHash } from 'node:crypto';
import { parseXmlSafely, verifyElementSignature, XmlSecurityError } from '@roster/xml-security';
import { AssertionError, BEARER, readAssertion, type AssertionData } from './assertion.js';
import { mapClaims, resolveClaimMapping } from './claims.js';
import { RstrError, parseRstr, type ParsedRstr } from './rstr.js';
import type { WsFedConnection, WsFedDeps, WsFedIdentity, WsFedResult, WsFedStep } from './types.js';

/** ADFS tokens with many group claims stay far below this; anything bigger is refused before parsing. */
export const MAX_WRESULT_BYTES = 256 * 1024;
export const DEFAULT_CLOCK_SKEW_SECONDS = 120;
const MAX_CLOCK_SKEW_SECONDS = 600;
export const REPLAY_NAMESPACE = 'wsfed:assertion';

class Refusal extends Error {
  constructor(
    readonly step: WsFedStep,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Validates the `wresult` an IdP posted for `conn`. Checks run in a fixed order and the first
 * failure wins, so traces name one stable step. Identity is read only from the signed copy of the
 * assertion that `verifyElementSignature` returns, never from the posted document.
 */
export async function validateWsFedResponse(wresult: string, conn: WsFedConnection, deps: WsFedDeps): Promise<WsFedResult> {
  const known: { assertionId?: string; issuer?: string } = {};
  try {
    const identity = await validate(wresult, conn, deps, known);
    return { ok: true, identity };
  } catch (error) {
    const refusal = toRefusal(error);
    return {
      ok: false,
      step: refusal.step,
      reason: refusal.message,
      ...(refusal.code === undefined ? {} : { code: refusal.code }),
      ...known,
    };
  }
}

async function validate(
  wresult: string,
  conn: WsFedConnection,
  deps: WsFedDeps,
  known: { assertionId?: string; issuer?: string },
): Promise<WsFedIdentity> {
  if (Buffer.byteLength(wresult, 'utf8') > MAX_WRESULT_BYTES) throw new Refusal('xml', `wresult exceeds ${MAX_WRESULT_BYTES} bytes`);
  const doc = parseXmlSafely(wresult);
  const rstr = parseRstr(doc);

  if (conn.signingCertificates.length === 0) throw new Refusal('signature', 'the connection has no signing certificate configured');
  const verified = verifyElementSignature(doc, rstr.assertion, {
    trustedCerts: conn.signingCertificates,
    allowSha1: conn.allowSha1 === true,
  });
  // From here on only the verified copy is read.
  const assertion = readAssertion(verified.signedElement, rstr.samlVersion);
  known.assertionId = assertion.assertionId;
  if (assertion.issuer !== undefined) known.issuer = assertion.issuer;

  checkIssuer(assertion, conn);
  checkAudience(assertion, rstr, conn);
  const now = (deps.now ?? (() => new Date()))();
  const skewMs = clockSkewSeconds(conn) * 1000;
  const expiresAt = checkTime(assertion, rstr, now, skewMs);

  // Passive sign-in cannot prove possession of a key, so only bearer tokens are meaningful here.
  if (!assertion.confirmations.some((c) => BEARER.includes(c.method))) {
    throw new Refusal('subject', 'the assertion has no bearer subject confirmation');
  }
  const claims = mapClaims(assertion.attributes, resolveClaimMapping(conn.claimMapping));
  // ADFS omits the NameIdentifier unless a "Name ID" issuance rule exists; fall back to stable claims.
  const nameId = assertion.nameId ?? claims.objectId ?? claims.upn ?? claims.email;
  if (nameId === undefined) throw new Refusal('subject', 'the assertion names no subject (no NameID, object id, UPN or email)');

  await claimOnce(deps, assertion, expiresAt, skewMs);

  const identity: WsFedIdentity = {
    nameId,
    groups: claims.groups,
    attributes: assertion.attributes,
    assertionId: assertion.assertionId,
    issuer: assertion.issuer ?? conn.idpIssuer,
    samlVersion: assertion.samlVersion,
    expiresAt,
  };
  if (assertion.nameId !== undefined && assertion.nameIdFormat !== undefined) identity.nameIdFormat = assertion.nameIdFormat;
  for (const key of ['email', 'givenName', 'familyName', 'displayName', 'upn', 'objectId', 'tenantId'] as const) {
    const value = claims[key];
    if (value !== undefined) identity[key] = value;
  }
  return identity;
}

function checkIssuer(assertion: AssertionData, conn: WsFedConnection): void {
  if (assertion.issuer === undefined) throw new Refusal('issuer', 'the assertion names no issuer');
  if (assertion.issuer !== conn.idpIssuer.trim()) {
    throw new Refusal('issuer', `issuer ${quote(assertion.issuer)} is not this connection's IdP (${quote(conn.idpIssuer)})`);
  }
}

function checkAudience(assertion: AssertionData, rstr: ParsedRstr, conn: WsFedConnection): void {
  // Without an audience a token minted for another relying party of the same IdP would pass.
  if (assertion.audienceRestrictions.length === 0) throw new Refusal('audience', 'the assertion has no audience restriction');
  for (const audiences of assertion.audienceRestrictions) {
    if (!audiences.includes(conn.realm)) {
      throw new Refusal('audience', `the assertion is meant for ${quote(audiences.join(', '))}, not this connection's realm`);
    }
  }
  if (rstr.appliesTo !== undefined && rstr.appliesTo !== conn.realm) {
    throw new Refusal('audience', `the response applies to ${quote(rstr.appliesTo)}, not this connection's realm`);
  }
  for (const confirmation of assertion.confirmations.filter((c) => BEARER.includes(c.method))) {
    if (confirmation.recipient !== undefined && confirmation.recipient !== conn.replyUrl && confirmation.recipient !== conn.realm) {
      throw new Refusal('audience', `the assertion was issued to be posted to ${quote(confirmation.recipient)}`);
    }
  }
}

/** Returns when the assertion stops being acceptable: the earliest of every expiry it and the RSTR state. */
function checkTime(assertion: AssertionData, rstr: ParsedRstr, now: Date, skewMs: number): Date {
  if (assertion.notOnOrAfter === undefined) {
    // An assertion without expiry could be replayed forever once the replay cache forgets it.
    throw new Refusal('time', 'the assertion has no NotOnOrAfter');
  }
  const t = now.getTime();
  const notBefore = [assertion.notBefore, rstr.lifetime.created, ...assertion.confirmations.map((c) => c.notBefore)];
  const expiries = [assertion.notOnOrAfter, rstr.lifetime.expires, ...assertion.confirmations.map((c) => c.notOnOrAfter)];
  for (const start of notBefore) {
    if (start !== undefined && t + skewMs < start.getTime()) {
      throw new Refusal('time', `the token is not valid before ${start.toISOString()} (now ${now.toISOString()})`);
    }
  }
  if (assertion.issueInstant !== undefined && t + skewMs < assertion.issueInstant.getTime()) {
    throw new Refusal('time', `the assertion was issued in the future (${assertion.issueInstant.toISOString()})`);
  }
  let expiresAt = assertion.notOnOrAfter;
  for (const end of expiries) {
    if (end === undefined) continue;
    if (t - skewMs >= end.getTime()) throw new Refusal('time', `the token expired at ${end.toISOString()} (now ${now.toISOString()})`);
    if (end < expiresAt) expiresAt = end;
  }
  return expiresAt;
}

async function claimOnce(deps: WsFedDeps, assertion: AssertionData, expiresAt: Date, skewMs: number): Promise<void> {
  // Keyed by issuer + id (hashed to bound its length): the same assertion is accepted once across
  // every node and every connection. Kept for the skew too, the window in which it still validates.
  const key = createHash('sha256')
    .update(`${assertion.issuer ?? ''}\n${assertion.assertionId}`)
    .digest('hex');
  let fresh: boolean;
  try {
    fresh = await deps.replay.claim(REPLAY_NAMESPACE, key, new Date(expiresAt.getTime() + skewMs));
  } catch (error) {
    // Fail closed: without the cache a stolen token could be replayed.
    throw new Refusal('replay', `the replay cache is unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!fresh) throw new Refusal('replay', `assertion ${quote(assertion.assertionId)} was already used`);
}

/** Quotes a value taken from the token for a reason string, bounded so traces stay small. */
function quote(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

function clockSkewSeconds(conn: WsFedConnection): number {
  const skew = conn.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (!Number.isFinite(skew) || skew < 0) return DEFAULT_CLOCK_SKEW_SECONDS;
  return Math.min(skew, MAX_CLOCK_SKEW_SECONDS);
}

function toRefusal(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof RstrError || error instanceof AssertionError) return new Refusal(error.step, error.message);
  if (error instanceof XmlSecurityError) {
    // XML_* codes come from parsing; SIGNATURE_* and CERTIFICATE_INVALID from the signature check.
    const step: WsFedStep = error.code.startsWith('XML_') ? 'xml' : 'signature';
    return new Refusal(step, error.message, error.code);
  }
  // Anything unexpected is still a refusal, never an accidental success; the message is kept for the trace.
  return new Refusal('token', `the response could not be processed: ${error instanceof Error ? error.message : String(error)}`);
}

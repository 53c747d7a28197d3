/**
 * The two steps of an email-link sign-in, framework-free: each takes plain input and returns an
 * `SsoResult`; `routes.ts` is the Fastify adapter. The core decides who may sign in
 * (`canSignIn`, `complete`); this file decides only what a link is and how it travels.
 */
import {
  checkReturnTo,
  firstParam,
  inputProblem,
  inspectReturnTo,
  redirectResult,
  refusalResult,
  type ProtocolRefusal,
  type RosterConfig,
  type SignInApi,
  type SsoResult,
} from '@roster/plugin-sdk';
import { EMAIL_LINK_ERRORS, type EmailLinkErrorCode } from './errors.js';
import type { ParsedEmailLinkOptions } from './options.js';
import { TOKEN_FORMAT, type LinkStore } from './store.js';
import { confirmPage, sentPage } from './pages.js';

/** The method id team policies list, declared on the plugin. */
export const METHOD = 'email-link';

export interface FlowEnv {
  signIn: SignInApi;
  config: RosterConfig;
  options: ParsedEmailLinkOptions;
  store: LinkStore;
  /** Sends in the background: the answer must not wait for SMTP, or its timing would tell known addresses apart. */
  sendLater(mail: { to: string; url: string; teamSlug: string }): void;
  /** Where the plugin's routes are mounted (`/email-link`). */
  prefix: string;
}

export interface HttpInput {
  requestId: string;
  accept?: string;
}

const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,190}$/;
const TEAM = /^[A-Za-z0-9-]{1,63}$/;

/** One answer whoever asked: the same status and body for a member, a stranger or a refused member. */
const SENT = 'If this address belongs to a member of the team who may sign in this way, a sign-in link is on its way.';

function fail(code: EmailLinkErrorCode, input: HttpInput, step: string, extra: Partial<SsoResult> = {}): SsoResult {
  const e = EMAIL_LINK_ERRORS[code];
  return refusalResult(
    { status: e.status, error: code, message: e.message, step, requestId: input.requestId, accept: input.accept },
    extra,
  );
}

async function trace(env: FlowEnv, input: HttpInput, r: Omit<ProtocolRefusal, 'connectionId' | 'protocol' | 'requestId'>): Promise<void> {
  await env.signIn.refuse({ ...r, connectionId: METHOD, protocol: METHOD, requestId: input.requestId });
}

/** Step 1: `POST /email-link/request {email, team, return_to?}`: maybe mail a link; always the same answer. */
export async function requestLink(env: FlowEnv, input: HttpInput & { body: unknown; ip: string }): Promise<SsoResult> {
  const body = (input.body && typeof input.body === 'object' ? input.body : {}) as Record<string, unknown>;
  const email = firstParam(body.email)?.trim().toLowerCase();
  const team = firstParam(body.team)?.trim();
  const returnToRaw = firstParam(body.return_to);
  if (inputProblem(body) || !email || !EMAIL.test(email) || !team || !TEAM.test(team))
    return fail('EMAIL_LINK_BAD_REQUEST', input, 'request');

  // Counted before anything is looked up, for known and unknown addresses alike.
  const { perIpLimit, perAddressLimit, windowSeconds } = env.options;
  if (
    !(await env.store.hit('ip', input.ip, perIpLimit, windowSeconds)) ||
    !(await env.store.hit('addr', email, perAddressLimit, windowSeconds))
  ) {
    await trace(env, input, {
      teamId: null,
      step: 'throttle',
      code: 'EMAIL_LINK_TOO_MANY_REQUESTS',
      reason: 'Too many links asked for.',
      email,
    });
    return fail('EMAIL_LINK_TOO_MANY_REQUESTS', input, 'throttle', { headers: { 'retry-after': String(windowSeconds) } });
  }

  const member = await env.signIn.findMember({ team: { slug: team }, email });
  if (!member) {
    await trace(env, input, {
      teamId: null,
      step: 'lookup',
      code: 'NOT_PROVISIONED',
      reason: `No member ${email} in team "${team}".`,
      email,
    });
  } else {
    const verdict = await env.signIn.canSignIn(member, METHOD);
    if (!verdict.ok) {
      await trace(env, input, {
        teamId: member.teamId,
        memberId: member.memberId,
        step: 'policy',
        code: verdict.code,
        reason: verdict.reason,
        email,
      });
    } else {
      const checked = returnToRaw === undefined ? null : inspectReturnTo(returnToRaw, env.config.allowedOrigins);
      const token = await env.store.issue({
        teamId: member.teamId,
        memberId: member.memberId,
        returnTo: checked?.ok ? checked.value : null,
        ttlSeconds: env.options.ttlSeconds,
      });
      env.sendLater({ to: member.email ?? email, url: `${env.config.publicUrl}${env.prefix}/verify?token=${token}`, teamSlug: team });
    }
  }
  if (input.accept?.includes('text/html')) return { status: 202, headers: htmlHeaders(), body: sentPage(SENT) };
  return { status: 202, headers: { 'cache-control': 'no-store' }, body: { ok: true, message: SENT } };
}

/**
 * Step 2a: `GET /email-link/verify?token=…` only shows a button. Mail scanners and link
 * previews fetch links before people do; a GET that signed in would burn the link (or sign the
 * scanner in). Nothing is consumed here.
 */
export async function showConfirm(env: FlowEnv, input: HttpInput & { query: unknown }): Promise<SsoResult> {
  const token = firstParam((input.query as Record<string, unknown> | null)?.token);
  if (!token || !TOKEN_FORMAT.test(token)) {
    await trace(env, input, { teamId: null, step: 'token', code: 'EMAIL_LINK_INVALID', reason: 'Malformed sign-in link.' });
    return fail('EMAIL_LINK_INVALID', input, 'token');
  }
  return { status: 200, headers: htmlHeaders(), body: confirmPage(`${env.prefix}/verify`, token) };
}

/** Step 2b: `POST /email-link/verify` (the button): consume the link once, then the core signs the member in. */
export async function verifyLink(
  env: FlowEnv,
  input: HttpInput & { body: unknown; origin?: string; secFetchSite?: string },
): Promise<SsoResult> {
  // A link posted from another site would sign the victim into the sender's account (login CSRF).
  const allowed = [new URL(env.config.publicUrl).origin, ...env.config.allowedOrigins];
  if (
    (input.origin !== undefined && !allowed.includes(input.origin)) ||
    (input.origin === undefined && input.secFetchSite && input.secFetchSite !== 'same-origin')
  ) {
    await trace(env, input, {
      teamId: null,
      step: 'request',
      code: 'EMAIL_LINK_CROSS_SITE',
      reason: `Posted from ${input.origin ?? input.secFetchSite}.`,
    });
    return fail('EMAIL_LINK_CROSS_SITE', input, 'request');
  }
  const body = (input.body && typeof input.body === 'object' ? input.body : {}) as Record<string, unknown>;
  const token = firstParam(body.token);
  if (!token || !TOKEN_FORMAT.test(token)) {
    await trace(env, input, { teamId: null, step: 'token', code: 'EMAIL_LINK_INVALID', reason: 'Malformed sign-in link.' });
    return fail('EMAIL_LINK_INVALID', input, 'token');
  }
  const link = await env.store.consume(token);
  if (!link.ok) {
    const reason = {
      EMAIL_LINK_INVALID: 'Unknown sign-in link.',
      EMAIL_LINK_USED: 'The link was used before.',
      EMAIL_LINK_EXPIRED: 'The link expired.',
    }[link.code];
    await trace(env, input, { teamId: link.teamId, memberId: link.memberId, step: 'token', code: link.code, reason });
    return fail(link.code, input, 'token');
  }
  // The core checks the policy and the member again now (either may have changed since the mail) and audits.
  const outcome = await env.signIn.complete({ memberId: link.memberId, method: METHOD, requestId: input.requestId });
  if (!outcome.ok)
    return refusalResult({
      status: 403,
      error: outcome.code,
      message: EMAIL_LINK_ERRORS.EMAIL_LINK_SIGNIN_REFUSED.message,
      step: 'policy',
      requestId: input.requestId,
      accept: input.accept,
    });
  return redirectResult(checkReturnTo(link.returnTo, env.config.allowedOrigins, '/'), { status: 303, session: outcome.token });
}

function htmlHeaders(): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page's URL holds the secret: never sent on as a Referer, never framed (a hidden button).
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  };
}

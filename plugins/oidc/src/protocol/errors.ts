/**
 * Maps openid-client / oauth4webapi errors to Roster's stable failure steps.
 *
 * openid-client wraps oauth4webapi's errors (`ClientError` with a `code`, the original error
 * as `cause`, and for claim checks `cause.cause.claim`). Codes and claim names are stable API;
 * a few INVALID_RESPONSE cases are only told apart by message, which the negative tests pin.
 */
import * as client from 'openid-client';
import { ConnectionConfigError } from './configuration.js';
import { ProviderFetchError } from './discovery.js';
import type { FailureStep } from './types.js';

export interface Failure {
  step: FailureStep;
  reason: string;
}

/** The phase that was running when the error surfaced: the step when nothing finer is known. */
export type Phase = 'discovery' | 'token' | 'userinfo';

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

/** The error and its causes, outermost first (bounded: causes can be cyclic in theory). */
function chain(error: unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let current: unknown = error;
  while (out.length < 6) {
    const item = record(current);
    if (!item) break;
    out.push(item);
    current = item.cause;
  }
  return out;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const CLAIM_STEPS: Record<string, FailureStep> = {
  iss: 'issuer',
  aud: 'audience',
  azp: 'audience',
  nonce: 'nonce',
  exp: 'expired',
  nbf: 'issued_at',
  iat: 'issued_at',
};

function fromMessage(message: string, phase: Phase): FailureStep | null {
  if (/signature verification failed|"alg"|JWS algorithm|verification key|jwks/i.test(message)) return 'signature';
  if (/"nonce"/.test(message)) return 'nonce';
  if (/"iss" \(issuer\) response parameter|response parameter "iss"/.test(message)) return 'issuer';
  if (/"state"/.test(message)) return 'state';
  if (phase === 'token' && /JWT|ID Token|id_token/.test(message)) return 'id_token';
  return null;
}

export function explain(error: unknown, phase: Phase): Failure {
  if (error instanceof ConnectionConfigError) return { step: 'configuration', reason: error.message };
  if (error instanceof client.AuthorizationResponseError) {
    const detail = error.error_description ? `: ${error.error_description}` : '';
    return { step: 'authorization', reason: `the identity provider refused the sign-in (${error.error}${detail})` };
  }
  if (error instanceof client.ResponseBodyError) {
    const where = phase === 'userinfo' ? 'userinfo endpoint' : 'token endpoint';
    const detail = error.error_description ? `: ${error.error_description}` : '';
    return { step: phase, reason: `${where} answered HTTP ${error.status} ${error.error}${detail}` };
  }

  const links = chain(error);
  for (const link of links) {
    if (link instanceof ProviderFetchError) {
      return { step: link.kind === 'jwks' ? 'signature' : 'discovery', reason: link.message };
    }
  }
  // The innermost oauth4webapi error carries the precise message and the claim name.
  const inner = links.find((link) => link !== error && str(link.code)?.startsWith('OAUTH_')) ?? links[0] ?? {};
  const code = str(record(error)?.code) ?? str(inner.code) ?? '';
  const message = str(inner.message) ?? str(record(error)?.message) ?? String(error);
  const claim = str(record(inner.cause)?.claim) ?? str(record(inner.cause)?.attribute);

  switch (code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED': {
      const step = claim ? CLAIM_STEPS[claim] : undefined;
      if (step) return { step, reason: reasonFor(step, message) };
      return { step: 'id_token', reason: message };
    }
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      if (phase === 'userinfo' && claim === 'sub')
        return { step: 'userinfo', reason: 'the userinfo "sub" differs from the ID token "sub"' };
      if (phase === 'discovery')
        return { step: 'discovery', reason: 'the discovery document names a different issuer than the connection' };
      return { step: phase, reason: message };
    case 'OAUTH_KEY_SELECTION_FAILED':
      return { step: 'signature', reason: message };
    case 'OAUTH_UNSUPPORTED_OPERATION':
      return { step: 'signature', reason: `unsupported or refused signature algorithm (${message})` };
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
      return {
        step: 'configuration',
        reason: 'the provider is not on https (plain http needs allowInsecureRequests, for test issuers only)',
      };
    case 'OAUTH_TIMEOUT':
      return { step: phase, reason: `the identity provider did not answer in time (${phase})` };
    default: {
      const step = fromMessage(message, phase) ?? phase;
      return { step, reason: message };
    }
  }
}

function reasonFor(step: FailureStep, message: string): string {
  switch (step) {
    case 'issuer':
      return `the ID token was issued by another issuer (${message})`;
    case 'audience':
      return `the ID token was issued for another client (${message})`;
    case 'nonce':
      return 'the ID token nonce does not match this sign-in';
    case 'expired':
      return 'the ID token has expired';
    default:
      return message;
  }
}

/** Thrown by `beginSignIn` when the sign-in cannot even start (bad connection, provider down). */
export class SignInStepError extends Error {
  override name = 'SignInStepError';
  constructor(
    readonly step: FailureStep,
    readonly reason: string,
  ) {
    super(`${step}: ${reason}`);
  }
}

import { refusalResult, redirectResult, type SsoResult } from '@roster/plugin-sdk';

/**
 * What a SAML endpoint answers, framework-free: the SSO toolkit's `SsoResult`. The Fastify
 * routes are a thin adapter that writes it to the reply (STYLE 6).
 */
export type HttpResult = SsoResult;

/** Who asked: for the refusal page (request id, HTML or JSON). */
export interface RequestInfo {
  requestId: string;
  accept?: string;
}

/** An error answer in the toolkit's one refusal shape. */
export function jsonError(status: number, error: string, message: string, request: RequestInfo, extra: { step?: string } = {}): HttpResult {
  return refusalResult({
    status,
    error,
    message,
    requestId: request.requestId,
    ...(request.accept !== undefined ? { accept: request.accept } : {}),
    ...extra,
  });
}

export const redirect = redirectResult;

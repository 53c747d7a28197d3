import type { FastifyRequest } from 'fastify';
import { redactUrl } from '@roster/plugin-sdk';

/**
 * The request part of a log line: Fastify's default fields, with the URL's secrets (codes,
 * state, SAML messages, tokens) masked by the SSO toolkit's `redactUrl`.
 */
export function requestLogLine(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The Fastify adapter: a thin shell around `ScimHandler.handle`. It takes every body as text
 * (its own content-type parser, so malformed JSON is a SCIM 400 invalidSyntax rather than
 * Fastify's error, and the handler decides about content types), caps the body size (413) and
 * renders Fastify's own refusals as SCIM error bodies.
 */
import type { RouteRegistrar } from '@roster/plugin-sdk';
import { ScimError } from './protocol/index.js';
import { JSON_HEADERS, type ScimRequest, type ScimResponse } from './handler/request.js';
import type { ScimHandler } from './handler/router.js';

/** The Fastify instance the plugin host hands to `ctx.http.register` (Fastify's own types, through the SDK). */
type FastifyInstance = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];

/** What this adapter reads of a Fastify request and reply. */
interface RequestLike {
  method: string;
  params: unknown;
  query: unknown;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  id: string;
  log: { error(obj: object, msg: string): void };
}
interface ReplyLike {
  code(status: number): ReplyLike;
  headers(values: Record<string, string>): ReplyLike;
  send(payload?: string): ReplyLike;
}
interface FastifyError {
  statusCode?: number;
  message: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function send(reply: ReplyLike, res: ScimResponse): ReplyLike {
  reply.code(res.status).headers(res.headers);
  if (res.body === undefined || res.status === 204 || res.status === 304) return reply.send();
  return reply.send(JSON.stringify(res.body));
}

/** Fastify's refusals (body too large, bad content length…) as SCIM errors; never a 5xx for client input. */
function fromFastify(error: FastifyError): ScimError {
  const status = error.statusCode ?? 500;
  if (status === 413) return new ScimError('SCIM_ERR_PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts.');
  if (status === 415) return new ScimError('SCIM_ERR_MEDIA_TYPE');
  if (status >= 400 && status < 500) return new ScimError('SCIM_ERR_SYNTAX_INVALID', `The request could not be read: ${error.message}`);
  return new ScimError('SCIM_ERR_INTERNAL');
}

export function registerScimRoutes(app: FastifyInstance, handler: ScimHandler, opts: { bodyLimit: number }): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: opts.bodyLimit },
    (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    },
  );
  app.setErrorHandler((error: FastifyError, request: RequestLike, reply: ReplyLike) => {
    const err = fromFastify(error);
    if (err.status >= 500) request.log.error({ err: error }, 'SCIM request failed');
    return send(reply, { status: err.status, headers: { ...JSON_HEADERS }, body: err.toBody() });
  });
  const route = async (request: RequestLike, reply: ReplyLike) => {
    const params = request.params as { team?: string; '*'?: string };
    const req: ScimRequest = {
      method: request.method,
      path: `/${params.team ?? ''}/${params['*'] ?? ''}`,
      query: request.query as ScimRequest['query'],
      headers: request.headers,
      body: typeof request.body === 'string' ? request.body : undefined,
      requestId: String(request.id),
    };
    return send(reply, await handler.handle(req));
  };
  app.route({ method: METHODS, url: '/', handler: route });
  app.route({ method: METHODS, url: '/:team', handler: route });
  app.route({ method: METHODS, url: '/:team/*', handler: route });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditEvent, describeInvalidText, findInvalidText, invalidTextError, type Core, type Viewer } from '@roster/core';
import type { ServerConfig } from './config.js';

/** Session cookie or bearer token → viewer. API tokens act as their team's admin. */
export function makeViewerOf(core: Core, cfg: ServerConfig) {
  return async function viewerOf(request: FastifyRequest): Promise<Viewer | null> {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const secret = header.slice(7).trim();
      if (secret.startsWith('rst_api_')) {
        const t = await core.tokens.verify(secret, 'api');
        return t ? { userId: `token:${t.id}`, login: `token:${t.name}`, platformAdmin: false, teamId: t.teamId, membershipId: null, role: 'admin', via: 'token', tokenId: t.id, tokenName: t.name } : null;
      }
      return core.sessions.resolve(secret);
    }
    const cookie = request.cookies?.[cfg.sessionCookie];
    return cookie ? core.sessions.resolve(cookie) : null;
  };
}

export function setSessionCookie(reply: FastifyReply, cfg: ServerConfig, token: string): void {
  reply.setCookie(cfg.sessionCookie, token, { path: '/', httpOnly: true, secure: cfg.production, sameSite: 'lax', maxAge: cfg.sessionTtlSeconds });
}

/** Built-in password sign-in and sign-out. */
export async function authRoutes(app: FastifyInstance, core: Core, cfg: ServerConfig): Promise<void> {
  app.post('/auth/login', {
    schema: { body: { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1024 } } } },
  }, async (request, reply) => {
    const body = request.body as { email: string; password: string };
    const badText = findInvalidText(body); // 400 INVALID_TEXT (a NUL would reach PostgreSQL as a 500), audited like other refusals (R19)
    if (badText) {
      await core.em().fork().persistAndFlush(auditEvent({ type: 'user', channel: 'password', requestId: String(request.id) }, { teamId: null, action: 'signin.refused', outcome: 'failure', reason: describeInvalidText(badText), data: { connectionId: 'password', step: 'input', code: 'INVALID_TEXT' } }));
      throw invalidTextError(badText);
    }
    const outcome = await core.signIn.withPassword(body.email, body.password, String(request.id));
    if (!outcome.ok) return reply.code(outcome.code === 'INVALID_CREDENTIALS' ? 401 : outcome.code === 'TOO_MANY_ATTEMPTS' ? 429 : 403).send({ error: outcome.code, message: outcome.reason });
    setSessionCookie(reply, cfg, outcome.token);
    return { ok: true, token: outcome.token, teamId: outcome.teamId, membershipId: outcome.membershipId };
  });
  app.post('/auth/logout', async (request, reply) => {
    const cookie = request.cookies?.[cfg.sessionCookie];
    if (cookie) await core.sessions.revoke(cookie);
    reply.clearCookie(cfg.sessionCookie, { path: '/' });
    return { ok: true };
  });
}

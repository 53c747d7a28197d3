import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditEvent, describeInvalidText, ErrorCodes, findInvalidText, invalidTextError, type Core, type Viewer } from '@roster/core';
import type { ServerConfig } from './config.js';

/** Names a browser that signed in before, so guessing from elsewhere cannot lock it out (PasswordThrottle). */
export const DEVICE_COOKIE = 'roster_device';
const DEVICE_COOKIE_SECONDS = 365 * 24 * 3600;

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

/** Session cookie or bearer token → viewer. API tokens act as their team's admin. */
export function makeViewerOf(core: Core, cfg: ServerConfig) {
  return async function viewerOf(request: FastifyRequest): Promise<Viewer | null> {
    const secret = bearerOf(request);
    if (secret !== null) {
      if (secret.startsWith('rst_api_')) {
        const t = await core.tokens.verify(secret, 'api');
        return t
          ? {
              userId: `token:${t.id}`,
              login: `token:${t.name}`,
              platformAdmin: false,
              teamId: t.teamId,
              membershipId: null,
              role: 'admin',
              via: 'token',
              tokenId: t.id,
              tokenName: t.name,
            }
          : null;
      }
      return core.sessions.resolve(secret);
    }
    const cookie = request.cookies?.[cfg.sessionCookie];
    return cookie ? core.sessions.resolve(cookie) : null;
  };
}

export function setSessionCookie(reply: FastifyReply, cfg: ServerConfig, token: string): void {
  reply.setCookie(cfg.sessionCookie, token, {
    path: '/',
    httpOnly: true,
    secure: cfg.production,
    sameSite: 'lax',
    maxAge: cfg.sessionTtlSeconds,
  });
}

/** Built-in password sign-in and sign-out. */
export async function authRoutes(app: FastifyInstance, core: Core, cfg: ServerConfig): Promise<void> {
  app.post(
    '/auth/login',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', minLength: 1, maxLength: 320 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { email: string; password: string };
      const badText = findInvalidText(body); // 400 INVALID_TEXT (a NUL would reach PostgreSQL as a 500), audited like other refusals (R19)
      if (badText) {
        await core
          .em()
          .fork()
          .persistAndFlush(
            auditEvent(
              { type: 'user', channel: 'password', requestId: String(request.id) },
              {
                teamId: null,
                action: 'signin.refused',
                outcome: 'failure',
                reason: describeInvalidText(badText),
                data: { connectionId: 'password', step: 'input', code: 'INVALID_TEXT' },
              },
            ),
          );
        throw invalidTextError(badText);
      }
      // request.ip: the socket's address, or the client named by X-Forwarded-For when trustProxy is on (production).
      const outcome = await core.signIn.withPassword(body.email, body.password, {
        requestId: String(request.id),
        address: request.ip,
        device: request.cookies?.[DEVICE_COOKIE] ?? null,
      });
      if (!outcome.ok)
        return reply
          .code(outcome.code === 'INVALID_CREDENTIALS' ? 401 : outcome.code === 'TOO_MANY_ATTEMPTS' ? 429 : 403)
          .send({ error: outcome.code, message: outcome.reason });
      setSessionCookie(reply, cfg, outcome.token);
      if (outcome.device)
        reply.setCookie(DEVICE_COOKIE, outcome.device, {
          path: '/auth',
          httpOnly: true,
          secure: cfg.production,
          sameSite: 'lax',
          maxAge: DEVICE_COOKIE_SECONDS,
        });
      return { ok: true, token: outcome.token, teamId: outcome.teamId, membershipId: outcome.membershipId };
    },
  );

  // Ends the session however it is presented: cookie, bearer session token, or both. An API or
  // SCIM token is no session: it is refused (not silently "ok") and stays valid until an admin
  // revokes it. An unknown or already ended session is fine: logging out twice is not an error.
  app.post('/auth/logout', async (request, reply) => {
    const bearer = bearerOf(request);
    if (bearer !== null && !bearer.startsWith('rss_')) {
      await core
        .em()
        .fork()
        .persistAndFlush(
          auditEvent(
            { type: 'user', channel: 'password', label: bearer.split('_').slice(0, 2).join('_'), requestId: String(request.id) },
            {
              teamId: null,
              action: 'session.logout.refused',
              outcome: 'failure',
              reason: 'a bearer token that is not a session was presented to /auth/logout',
              data: { code: 'NOT_A_SESSION' },
            },
          ),
        );
      return reply.code(400).send({ error: 'NOT_A_SESSION', message: ErrorCodes.NOT_A_SESSION.message });
    }
    const cookie = request.cookies?.[cfg.sessionCookie];
    if (bearer) await core.sessions.revoke(bearer);
    if (cookie && cookie !== bearer) await core.sessions.revoke(cookie);
    reply.clearCookie(cfg.sessionCookie, { path: '/' });
    return { ok: true };
  });
}

import { randomBytes } from 'node:crypto';
import { checkReturnTo, type Actor, type PluginCore as Core, type RosterConfig } from '@roster/plugin-sdk';
import { SamlErrorCodes } from './errors.js';
import { jsonError, redirect, type HttpResult } from './http-result.js';
import type { SamlPluginOptions } from './options.js';
import {
  buildLogoutRequest,
  buildLogoutResponse,
  logoutMessageKind,
  logoutResponseInResponseTo,
  validateLogoutRequest,
  type LogoutMessageInput,
} from './protocol/index.js';
import type { RuntimeConnection, SamlConnections } from './service.js';

/** Flow namespace of SP-initiated LogoutRequests awaiting the IdP's LogoutResponse. */
export const LOGOUT_FLOW = 'saml-logout';

export interface LogoutEnv {
  core: Core;
  config: RosterConfig;
  options: SamlPluginOptions;
}

/**
 * Single logout. SP-initiated: `GET /saml/:id/logout` ends the Roster session and, when the IdP
 * has a SingleLogoutService and this session came from a SAML sign-in, sends a signed
 * LogoutRequest there. IdP-initiated: `/saml/:id/slo` validates the IdP's signed LogoutRequest,
 * ends the sessions of that NameID (and SessionIndex) on this connection, and answers with a
 * signed LogoutResponse.
 */
export class SamlLogout {
  constructor(
    private readonly svc: SamlConnections,
    private readonly env: LogoutEnv,
  ) {}

  async spInitiated(
    connectionId: string,
    returnToParam: unknown,
    sessionToken: string | undefined,
    requestId: string,
  ): Promise<HttpResult> {
    const conn = await this.svc.runtime(connectionId, true);
    if (!conn) return jsonError(404, 'SAML_CONNECTION_NOT_FOUND', SamlErrorCodes.SAML_CONNECTION_NOT_FOUND.message, { requestId });
    const returnTo = checkReturnTo(returnToParam, this.env.config.allowedOrigins, '/');
    if (!sessionToken) return redirect(returnTo, { clearSession: true });
    await this.env.core.sessions.revoke(sessionToken);
    // The IdP's handle on this sign-in, taken once (a second logout with the same cookie does
    // not send the IdP a second LogoutRequest).
    const taken = await this.env.core.sessions.takeSsoHandle(sessionToken, conn.id);
    const row = taken
      ? { name_id: taken.subject, name_id_format: taken.format ?? null, session_index: taken.sessionIndex ?? null }
      : undefined;
    await this.audit(conn, { type: 'user', channel: 'saml', label: row?.name_id, requestId }, 'saml.logout', {
      initiatedBy: 'sp',
      toIdp: !!(row && conn.idpSloUrl),
    });
    if (!row || !conn.idpSloUrl || !conn.enabled) return redirect(returnTo, { clearSession: true });
    const relay = randomBytes(18).toString('base64url');
    const built = buildLogoutRequest(this.svc.configOf(conn), {
      now: new Date(),
      destination: conn.idpSloUrl,
      nameId: row.name_id,
      nameIdFormat: row.name_id_format,
      sessionIndex: row.session_index,
      relayState: relay,
    });
    await this.env.core.flows.put(LOGOUT_FLOW, built.id, { connectionId: conn.id, returnTo }, this.env.options.requestTtlSeconds);
    return redirect(built.redirectUrl, { clearSession: true });
  }

  /** `/saml/:id/slo`, both bindings: the IdP's LogoutRequest, or its LogoutResponse to ours. */
  async slo(connectionId: string, message: LogoutMessageInput, requestId: string): Promise<HttpResult> {
    const conn = await this.svc.runtime(connectionId, true);
    if (!conn) return jsonError(404, 'SAML_CONNECTION_NOT_FOUND', SamlErrorCodes.SAML_CONNECTION_NOT_FOUND.message, { requestId });
    const kind = logoutMessageKind(message);
    if (kind === 'response') return this.finishSpLogout(conn, message);
    if (kind !== 'request') return jsonError(400, 'SAML_BAD_REQUEST', 'Expected SAMLRequest or SAMLResponse.', { requestId });

    const config = this.svc.configOf(conn);
    const core = this.env.core;
    const result = await validateLogoutRequest(message, config, this.svc.urls(conn.id).sloUrl, {
      now: () => new Date(),
      replay: { claim: (namespace, key, expiresAt) => core.replay.claim(namespace, key, expiresAt) },
    });
    const actor: Actor = { type: 'idp', channel: 'saml', id: conn.id, requestId };
    if (!result.ok) {
      await core.audit.write(actor, {
        teamId: conn.teamId,
        action: 'saml.logout.refused',
        outcome: 'failure',
        reason: result.reason,
        target: { type: 'saml_connection', id: conn.id },
        data: { connectionId: conn.id, initiatedBy: 'idp' },
      });
      return jsonError(403, 'SAML_LOGOUT_REFUSED', SamlErrorCodes.SAML_LOGOUT_REFUSED.message, { requestId });
    }
    const { request } = result;
    const indexes = request.sessionIndexes;
    const sessionsEnded = await core.sessions.revokeBySsoHandle(conn.id, request.nameId, indexes);
    await this.audit(conn, { ...actor, label: request.nameId }, 'saml.logout', { initiatedBy: 'idp', sessionsEnded });
    if (!conn.idpSloUrl) {
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: 'Signed out.',
        clearSession: true,
      };
    }
    const answer = buildLogoutResponse(config, {
      now: new Date(),
      destination: conn.idpSloUrl,
      inResponseTo: request.id,
      ...(request.relayState !== null ? { relayState: request.relayState } : {}),
    });
    return redirect(answer.redirectUrl, { clearSession: true });
  }

  /** The IdP answered our LogoutRequest: back to where the person asked to go. */
  private async finishSpLogout(conn: RuntimeConnection, message: LogoutMessageInput): Promise<HttpResult> {
    const inResponseTo = logoutResponseInResponseTo(message);
    const value = inResponseTo ? await this.env.core.flows.take(LOGOUT_FLOW, inResponseTo) : null;
    const flow = typeof value === 'object' && value !== null ? (value as { connectionId?: unknown; returnTo?: unknown }) : null;
    const returnTo = flow && flow.connectionId === conn.id ? flow.returnTo : '/';
    return redirect(checkReturnTo(returnTo, this.env.config.allowedOrigins, '/'), { clearSession: true });
  }

  private async audit(conn: RuntimeConnection, actor: Actor, action: string, data: Record<string, unknown>): Promise<void> {
    await this.env.core.audit.write(actor, {
      teamId: conn.teamId,
      action,
      target: { type: 'saml_connection', id: conn.id },
      data: { connectionId: conn.id, ...data },
    });
  }
}

/**
 * `scimPlugin()`: SCIM 2.0 provisioning for Roster teams. Mounts the endpoints under
 * `/scim/v2/<team slug or id>`, owns three tables (member display values, Entra's
 * unresolved member references, the request log of #16) and the indexes its filters need, and
 * adds the admin GraphQL fields for the base URL, tokens and latest requests.
 */
import { definePlugin, type RosterPlugin } from '@roster/plugin-sdk';
import { DISCOVERY_DEFAULTS } from './protocol/index.js';
import { ScimHandler } from './handler/router.js';
import type { ScimSettings } from './handler/context.js';
import { registerScimRoutes } from './http.js';
import { ScimRequestLogResolver, ScimResolver } from './graphql.js';
import { scimMigrations } from './migrations.js';
import { REQUEST_LOG_DEFAULTS, ScimRequestLog, entryOf } from './request-log.js';

export interface ScimPluginOptions {
  /** Where the endpoints are mounted. @default '/scim/v2' */
  prefix?: string;
  /** Public base URL used in `Location`, `meta.location` and the admin's base URL. @default the server's publicUrl */
  publicUrl?: string;
  /** Most resources in one list or search response. @default 200 */
  maxResults?: number;
  /** @default 1000 */
  bulkMaxOperations?: number;
  /** Bytes. @default 1048576 */
  bulkMaxPayloadSize?: number;
  /** Largest body of any other request, bytes. @default bulkMaxPayloadSize */
  maxBodyBytes?: number;
  /** Link shown to IdP admins in /ServiceProviderConfig. */
  documentationUri?: string;
  /** #16 how often the request log's buffer is written, ms. @default 300 */
  requestLogFlushMs?: number;
  /** #16 request log entries kept per team. @default 1000 */
  requestLogKeep?: number;
}

export interface ResolvedScimOptions extends ScimSettings {
  publicUrl?: string | undefined;
  requestLogFlushMs: number;
  requestLogKeep: number;
}

function positive(raw: Record<string, unknown>, name: string, def: number, max: number): number {
  const v = raw[name];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return v;
}

export function parseScimOptions(raw: unknown): ResolvedScimOptions {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw new Error('options must be an object');
  const o = (raw ?? {}) as Record<string, unknown>;
  const prefix = o.prefix === undefined ? '/scim/v2' : o.prefix;
  if (typeof prefix !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix)) throw new Error('prefix must be a path like "/scim/v2"');
  const publicUrl = o.publicUrl;
  if (publicUrl !== undefined && (typeof publicUrl !== 'string' || !/^https?:\/\/[^/]+(\/.*)?$/.test(publicUrl)))
    throw new Error('publicUrl must be an http(s) URL');
  const documentationUri = o.documentationUri;
  if (documentationUri !== undefined && typeof documentationUri !== 'string') throw new Error('documentationUri must be a string');
  const bulkMaxPayloadSize = positive(o, 'bulkMaxPayloadSize', DISCOVERY_DEFAULTS.bulkMaxPayloadSize, 64 * 1024 * 1024);
  return {
    prefix,
    publicUrl: typeof publicUrl === 'string' ? publicUrl.replace(/\/$/, '') : undefined,
    maxResults: positive(o, 'maxResults', DISCOVERY_DEFAULTS.filterMaxResults, 10_000),
    bulkMaxOperations: positive(o, 'bulkMaxOperations', DISCOVERY_DEFAULTS.bulkMaxOperations, 100_000),
    bulkMaxPayloadSize,
    maxBodyBytes: Math.min(positive(o, 'maxBodyBytes', bulkMaxPayloadSize, 64 * 1024 * 1024), bulkMaxPayloadSize),
    documentationUri,
    requestLogFlushMs: positive(o, 'requestLogFlushMs', REQUEST_LOG_DEFAULTS.flushMs, 24 * 3600_000),
    requestLogKeep: positive(o, 'requestLogKeep', REQUEST_LOG_DEFAULTS.keepPerTeam, 100_000),
  };
}

export function scimPlugin(options: ScimPluginOptions = {}): RosterPlugin<ResolvedScimOptions> {
  let log: ScimRequestLog | null = null;
  return definePlugin<ResolvedScimOptions>({
    name: 'scim',
    version: '0.2.0',
    migrations: scimMigrations,
    // The factory's options win over ROSTER-level raw options, as in the SDK's example.
    parseOptions: (raw) => parseScimOptions({ ...(raw as object | undefined), ...options }),
    setup(ctx) {
      const settings = ctx.options;
      const publicUrl = () => settings.publicUrl ?? ctx.config.publicUrl;
      const requestLog = new ScimRequestLog(ctx.core.db, {
        ...REQUEST_LOG_DEFAULTS,
        flushMs: settings.requestLogFlushMs,
        keepPerTeam: settings.requestLogKeep,
      });
      log = requestLog;
      let dropped = 0;
      let failed = 0;
      ctx.every('request-log-flush', settings.requestLogFlushMs, async () => {
        await requestLog.flush();
        if (requestLog.dropped > dropped)
          ctx.logger.warn({ dropped: requestLog.dropped - dropped }, 'SCIM request log entries dropped (buffer full)');
        if (requestLog.failed > failed)
          ctx.logger.error(
            { err: requestLog.lastError, lost: requestLog.failed - failed },
            'SCIM request log entries could not be written',
          );
        dropped = requestLog.dropped;
        failed = requestLog.failed;
      });
      ctx.every('request-log-prune', 30_000, () => requestLog.prune());
      const handler = new ScimHandler({
        core: ctx.core,
        settings,
        publicUrl,
        onInternalError: (error, req) => ctx.logger.error({ err: error, method: req.method, path: req.path }, 'SCIM request failed'),
        onRequest: (req, res, who, ms) => requestLog.record(entryOf(req, res, who, new Date(), ms)),
      });
      ctx.http.advertise({ label: 'SCIM 2.0 base URL of a team (paste into Okta, Entra ID…)', path: `${settings.prefix}/{team}` });
      ctx.http.register(
        (app) => registerScimRoutes(app, handler, { bodyLimit: Math.max(settings.bulkMaxPayloadSize, settings.maxBodyBytes) }),
        { prefix: settings.prefix },
      );
      ctx.addResolver(new ScimResolver(ctx.core, (slug) => `${publicUrl()}${settings.prefix}/${slug}`));
      ctx.addResolver(new ScimRequestLogResolver(requestLog));
    },
    // After the HTTP server closed, before the database does: the last buffered entries are written.
    async close() {
      await log?.flush();
      log = null;
    },
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core, Viewer } from '@roster/core';
import type { ClassRef, PluginContext, RosterConfig, SsoEntryPoint, SsoRegistry } from '@roster/plugin-sdk';
import type { ServerConfig } from './config.js';
import type { FrontDoor } from './front-door.js';
import type { Jobs } from './jobs.js';
import type { LoadedPlugin } from './plugin-host.js';
import { setSessionCookie } from './auth.js';
import { createPluginCore } from './plugin-core.js';
import { pluginEvents } from '@roster/plugin-sdk';

/** Every protocol plugin lists a team's connections here; home-realm discovery reads them all. */
export function createSsoRegistry(app: FastifyInstance): SsoRegistry {
  const sources: Array<(teamId: string) => Promise<SsoEntryPoint[]>> = [];
  return {
    addEntryPoints: (source) => void sources.push(source),
    async entryPoints(teamId) {
      const all: SsoEntryPoint[] = [];
      for (const source of sources) {
        try {
          all.push(...(await source(teamId)));
        } catch (e) {
          app.log.error({ err: e, teamId }, 'an SSO entry point source failed');
        }
      }
      return all;
    },
  };
}

/** The server settings a plugin reads: a live view, as the public URL may be known only once the server listens (port 0 in tests). */
function pluginConfig(cfg: ServerConfig): RosterConfig {
  return {
    get publicUrl() {
      return cfg.publicUrl;
    },
    get production() {
      return cfg.production;
    },
    get allowedOrigins() {
      return cfg.allowedOrigins;
    },
    get sessionCookie() {
      return cfg.sessionCookie;
    },
    get outbound() {
      return { allowPrivateAddresses: cfg.outboundAllowPrivate, allowAddresses: cfg.outboundAllowAddresses };
    },
  };
}

export interface PluginHostDeps {
  app: FastifyInstance;
  cfg: ServerConfig;
  core: Core;
  jobs: Jobs;
  frontDoor: FrontDoor;
  viewerOf: (request: FastifyRequest) => Promise<Viewer | null>;
}

/**
 * Runs each plugin's `setup` with its context, in dependency order. Returns the resolver
 * instances the plugins added (their classes go into the schema; the instances serve it).
 */
export async function setupPlugins(loaded: LoadedPlugin[], deps: PluginHostDeps): Promise<Map<ClassRef, object>> {
  const { app, cfg, core, jobs, frontDoor, viewerOf } = deps;
  const instances = new Map<ClassRef, object>();
  const sso = createSsoRegistry(app);
  const config = pluginConfig(cfg);
  // Plugins see the domain through the SDK's interfaces only, never the core object itself.
  const pluginCore = createPluginCore(core);
  for (const { plugin, options } of loaded) {
    const ctx: PluginContext<unknown> = {
      name: plugin.name,
      options,
      config,
      logger: app.log.child({ plugin: plugin.name }),
      core: pluginCore,
      http: {
        register: (routes, o) => void app.register(async (child) => routes(child), { prefix: o?.prefix ?? `/${plugin.name}` }),
        advertise: (entry) => frontDoor.advertise(plugin.name, entry),
      },
      signIn: {
        complete: (identity) => ('memberId' in identity ? core.signIn.completeMember(identity) : core.signIn.complete(identity)),
        canSignIn: (member, method) => core.signIn.canSignIn(member, method),
        findMember: (query) => core.signIn.findMember(query),
        refuse: (r) => core.signIn.refuse(r),
        attempts: (teamId, connectionId, limit) => core.signIn.attempts(teamId, connectionId, limit),
        startSession: (reply, token) => setSessionCookie(reply, cfg, token),
      },
      sso,
      every: (name, intervalMs, task) => jobs.every(`${plugin.name}:${name}`, intervalMs, task),
      addResolver: (instance) => void instances.set(instance.constructor as ClassRef, instance),
      // Tagged with the plugin, so a failing hook is logged and counted under its name (hooks.ts).
      on: (hook, handler) => core.hooks.on(hook, handler, plugin.name),
      events: pluginEvents(plugin.name, core.events),
      viewerOf,
    };
    await plugin.setup?.(ctx);
  }
  return instances;
}

import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  Migration,
  Viewer,
  HookName,
  HookEvents,
  AssertedIdentity,
  SignInOutcome,
  ProtocolRefusal,
  SignInAttempt,
} from '@roster/core';
import type { OutboundSettings } from './sso/outbound.js';
import type { PluginCore } from './contract/services.js';
import type { IdentifiedMember, MemberSignInApi, SignInMethodDefinition } from './sign-in-methods.js';
import type { PluginEvents } from './events.js';

/** Server settings a plugin may read. */
export interface RosterConfig {
  /** Public base URL of this deployment, no trailing slash (e.g. https://roster.example.com). */
  publicUrl: string;
  production: boolean;
  /** Origins a `return_to` / RelayState may point at, besides relative paths. */
  allowedOrigins: string[];
  /** Name of the session cookie the core sets. */
  sessionCookie: string;
  /** The operator's outbound-fetch settings every SSO plugin obeys (`ROSTER_OUTBOUND_ALLOW_PRIVATE`). */
  outbound: OutboundSettings;
}

export interface RouteRegistrar {
  /**
   * Registers Fastify routes in an encapsulated child instance under `prefix`
   * (default `/<plugin name>`), so a plugin cannot touch another's routes.
   */
  register(routes: (app: FastifyInstance) => Promise<void> | void, opts?: { prefix?: string }): void;
  /**
   * Lists one of the plugin's entry points on the server's front page (`GET /`) and in what
   * `roster serve` prints, so an admin finds what to paste into an IdP. `path` is absolute and may
   * hold placeholders in braces, e.g. `/scim/v2/{team}`.
   */
  advertise(entry: AdvertisedEntry): void;
}

/** An entry point a plugin lists on the front page. */
export interface AdvertisedEntry {
  /** What it is for, in a few words ("SCIM 2.0 base URL of a team"). */
  label: string;
  /** Absolute path; `{placeholders}` stand for what the reader fills in. */
  path: string;
}

export interface SignInApi extends MemberSignInApi {
  /**
   * Hand over a verified identity, or a member the plugin identified itself (`{ memberId, method }`);
   * the core applies policy (R3), inactive (R7), JIT, links and audits.
   */
  complete(identity: AssertedIdentity | IdentifiedMember): Promise<SignInOutcome>;
  /** Record a response the plugin refused (bad signature, audience…) as a sign-in trace (R19). */
  refuse(refusal: ProtocolRefusal): Promise<void>;
  /** The last attempts on a connection, newest first. */
  attempts(teamId: string, connectionId: string, limit?: number): Promise<SignInAttempt[]>;
  /** Sets the session cookie on the reply after a successful `complete`. */
  startSession(reply: FastifyReply, token: string): void;
}

/** One way into a team's SSO, listed by home-realm discovery (R4). */
export interface SsoEntryPoint {
  protocol: string;
  connectionId: string;
  name: string | null;
  /** Where the browser starts the sign-in (accepts `return_to` and `login_hint`). */
  loginUrl: string;
}

export interface SsoRegistry {
  /** A protocol plugin lists a team's enabled connections. */
  addEntryPoints(source: (teamId: string) => Promise<SsoEntryPoint[]>): void;
  /** Every plugin's entry points for a team, in registration order; a failing source is skipped and logged. */
  entryPoints(teamId: string): Promise<SsoEntryPoint[]>;
}

export interface PluginContext<O> {
  readonly name: string;
  readonly options: O;
  readonly config: RosterConfig;
  readonly logger: FastifyBaseLogger;
  /** The host's domain, through the SDK's interfaces (see contract/services.ts): all a plugin may use. */
  readonly core: PluginCore;
  readonly http: RouteRegistrar;
  readonly signIn: SignInApi;
  readonly sso: SsoRegistry;
  /** Adds a type-graphql resolver instance (its class goes into the schema; the instance serves it). */
  addResolver(instance: object): void;
  /**
   * Runs `task` every `intervalMs` on this node, never two runs at once, without keeping the
   * process alive; at shutdown the host stops it and waits for a run in flight before the
   * database closes. Every node runs it: claim shared work with `for update skip locked`.
   */
  every(name: string, intervalMs: number, task: () => Promise<unknown>): void;
  on<K extends HookName>(hook: K, handler: (event: HookEvents[K]) => void | Promise<void>): void;
  /** The event log: publish the plugin's own event types in the transaction of the change (events.ts). */
  readonly events: PluginEvents;
  /** The signed-in viewer of a request (session cookie or bearer API token), or null. */
  viewerOf(request: FastifyRequest): Promise<Viewer | null>;
}

/** A class, as MikroORM (entities) and type-graphql (resolvers) take it. */
export type ClassRef = abstract new (...args: never[]) => object;

/** A plugin is a plain object made by a factory. */
export interface RosterPlugin<O = unknown> {
  name: string;
  /** The plugin's own version (semver): shown in the boot log and on the front page. */
  version: string;
  /**
   * The versions of Roster (`@roster/server`) the plugin works with, as a semver range
   * (`'^0.1'`, `'>=0.1 <0.3'`); checked at boot (`PLUGIN_HOST_MISMATCH`). Leave it out to accept any.
   */
  host?: string;
  /** Names of plugins that must be enabled too. */
  dependsOn?: string[];
  /** Raw options → validated options with defaults; throw an Error saying what is wrong. */
  parseOptions?: (raw: unknown) => O;
  /** MikroORM entity classes the plugin owns. */
  entities?: ClassRef[];
  /** Forward-only SQL migrations, named `<plugin>/<nnnn>-<what>`. */
  migrations?: Migration[];
  /** Sign-in methods the plugin implements; team policies list them by id (checked at boot: unique, well-formed). */
  signInMethods?: SignInMethodDefinition[];
  /** type-graphql resolver classes; instances come from `ctx.addResolver`, or are built with `new`. */
  resolvers?: ClassRef[];
  setup?(ctx: PluginContext<O>): void | Promise<void>;
  /** Runs at shutdown, in reverse order of setup. */
  close?(): void | Promise<void>;
}

/** Identity helper that gives option inference, like Vite's `defineConfig`. */
export function definePlugin<O>(plugin: RosterPlugin<O>): RosterPlugin<O> {
  return plugin;
}

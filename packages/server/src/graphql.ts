import type { ClassRef } from '@roster/plugin-sdk';
import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { GraphQLError, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import {
  actorOf,
  auditRefusal,
  databaseUnavailable,
  ErrorCodes,
  isRosterError,
  createContext,
  setupScopeViolation,
  isAccessRefusal,
  refusalTarget,
  type RosterError,
  type Core,
  type GqlContext,
  type Viewer,
} from '@roster/core';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import { graphqlLimitsHook, type GraphqlLimits } from './graphql-limits.js';
import { textRulePlugin } from './graphql-text.js';
import { compiledQueriesGateway } from './graphql-executor.js';

export async function buildRosterSchema(resolverClasses: ClassRef[], instances: Map<ClassRef, object>): Promise<GraphQLSchema> {
  // Plugins hand in their resolver instances; the core's resolvers hold no state and are made
  // once each (type-graphql asks the container on every resolver call: a new instance per call
  // was garbage on every field with a resolver).
  const made = new Map<ClassRef, object>();
  const get = (cls: ClassRef): object => {
    let instance = instances.get(cls) ?? made.get(cls);
    if (!instance) {
      instance = new (cls as new () => object)();
      made.set(cls, instance);
    }
    return instance;
  };
  return buildSchema({
    resolvers: resolverClasses as unknown as NonEmptyArray<ClassRef>,
    container: { get },
    validate: false,
  });
}

/** The SDL of a schema, types sorted by name: what `schema/schema.graphql` and `roster schema` print. */
export function printSchemaOf(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema));
}

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COMPLEX',
  'LIST_TOO_LONG',
  'SERVICE_UNAVAILABLE',
  'SETUP_LINK_INVALID',
  'SETUP_LINK_EXPIRED',
  'SETUP_LINK_REVOKED',
  'SETUP_LINK_OUT_OF_SCOPE',
]);

/** The header a setup link's page sends its secret in; only GraphQL reads it (never `viewerOf`, so no plugin route sees a setup viewer). */
export const SETUP_LINK_HEADER = 'roster-setup-link';

export async function mountGraphql(
  app: FastifyInstance,
  opts: {
    schema: GraphQLSchema;
    core: Core;
    introspection: boolean;
    /** Leave "Did you mean …" suggestions (real field names) out of validation errors. */
    hideSchemaDetails: boolean;
    limits: GraphqlLimits;
    /** Uses of a query document before it runs compiled (`compiledQueriesGateway`); 0: graphql-js only. */
    compileAfter: number;
    metrics: Registry;
    viewerOf: (req: FastifyRequest) => Promise<Viewer | null>;
  },
): Promise<ApolloServer<GqlContext>> {
  const operations = new Counter({
    name: 'roster_graphql_operations_total',
    help: 'GraphQL operations executed, by engine: compiled (graphql-jit) or graphql-js',
    labelNames: ['engine'],
    registers: [opts.metrics],
  });
  const apollo = new ApolloServer<GqlContext>({
    ...(opts.compileAfter > 0
      ? {
          gateway: compiledQueriesGateway(opts.schema, {
            compileAfter: opts.compileAfter,
            max: 1000,
            compileFor: (context) => (context as GqlContext).viewer !== null,
            ran: (engine) => operations.inc({ engine }),
          }),
        }
      : { schema: opts.schema }),
    introspection: opts.introspection,
    csrfPrevention: true,
    hideSchemaDetailsFromClientErrors: opts.hideSchemaDetails,
    // The cost limits run before Apollo (graphql-limits.ts); the parser's own bound stays as a second guard.
    parseOptions: { maxTokens: opts.limits.maxTokens },
    // Roster sets no cache hints; the default cache-control plugin would wrap every field for nothing.
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginCacheControlDisabled(),
      textRulePlugin(),
      setupScopePlugin(opts.core),
      accessRefusalAuditPlugin(opts.core, app),
    ],
    // Coded domain errors pass with their code; anything unexpected is masked and logged.
    formatError(formatted, error) {
      const original = unwrapResolverError(error);
      if (isRosterError(original)) {
        return {
          message: original.message,
          path: formatted.path,
          locations: formatted.locations,
          extensions: { code: original.code, ...(Object.keys(original.details).length ? { details: original.details } : {}) },
        };
      }
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && PASS_THROUGH.has(code)) return formatted;
      if (databaseUnavailable(original)) {
        app.log.warn({ err: original }, 'database unavailable during a GraphQL request');
        return {
          message: 'The database is not answering; try again shortly.',
          path: formatted.path,
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        };
      }
      app.log.error({ err: original }, 'unexpected GraphQL error');
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await apollo.start();
  // The route lives in its own scope, so the cost limits run before Apollo (and only for it).
  await app.register(async (scope) => {
    scope.addHook('preHandler', graphqlLimitsHook(opts.limits));
    await scope.register(fastifyApollo(apollo), {
      context: async (request: FastifyRequest) => {
        const setup = request.headers[SETUP_LINK_HEADER];
        const viewer =
          typeof setup === 'string' ? await setupViewer(opts.core, setup, request) : await viewerOrUnavailable(opts.viewerOf, request);
        return createContext(opts.core, viewer, String(request.id));
      },
    });
  });
  return apollo;
}

/** The viewer, or a 503 when the database cannot say who is asking (Apollo would answer 500). */
async function viewerOrUnavailable(
  viewerOf: (req: FastifyRequest) => Promise<Viewer | null>,
  request: FastifyRequest,
): Promise<Viewer | null> {
  try {
    return await viewerOf(request);
  } catch (e) {
    if (!databaseUnavailable(e)) throw e;
    request.log.warn({ err: e }, 'database unavailable while reading the GraphQL viewer');
    throw new GraphQLError('The database is not answering; try again shortly.', {
      extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
    });
  }
}

/**
 * A setup link's holder (#16): admin of the link's team for the link's scopes only. A link that
 * does not open (unknown, expired, revoked) refuses the request with its code (401), audited.
 */
async function setupViewer(core: Core, secret: string, request: FastifyRequest): Promise<Viewer> {
  const opened = await core.setupLinks.open(secret.trim(), String(request.id));
  if (!opened.ok) {
    throw new GraphQLError(ErrorCodes[opened.code].message, { extensions: { code: opened.code, http: { status: 401 } } });
  }
  const link = opened.link;
  return {
    userId: `setup:${link.id}`,
    login: 'setup link',
    platformAdmin: false,
    teamId: link.teamId,
    membershipId: null,
    role: 'admin',
    via: 'setup',
    setupLinkId: link.id,
    setupScopes: link.scopes,
  };
}

/**
 * Keeps a setup link's viewer to its scopes: an operation reaching any field outside them is
 * refused whole, before any resolver runs, with SETUP_LINK_OUT_OF_SCOPE (403), audited (R19).
 */
function setupScopePlugin(core: Core): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema }) {
          const v = contextValue.viewer;
          if (v?.via !== 'setup') return;
          const field = setupScopeViolation(schema, document, v.setupScopes ?? []);
          if (!field) return;
          await auditRefusal(core.em(), actorOf(contextValue), {
            teamId: v.teamId,
            action: 'setup_link.scope.refused',
            reason: `${field} is outside the link's scopes (${(v.setupScopes ?? []).join(', ')})`,
            target: { type: 'setup_link', id: v.setupLinkId ?? '' },
            data: { code: 'SETUP_LINK_OUT_OF_SCOPE', field },
          });
          throw new GraphQLError(ErrorCodes.SETUP_LINK_OUT_OF_SCOPE.message, {
            extensions: { code: 'SETUP_LINK_OUT_OF_SCOPE', http: { status: 403 }, details: { field } },
          });
        },
      };
    },
  };
}

/**
 * R19: an operation refused because the viewer reached beyond their rights (another team's id,
 * an admin or platform action) leaves one audit event in the viewer's own team — who, what they
 * reached for, the code — so a team admin (and the platform) can see probing. Business refusals
 * (a bad input, a seat rule) are the services' to audit. Unauthenticated calls have no team to
 * record them in and are left to rate limits and logs.
 */
function accessRefusalAuditPlugin(core: Core, app: FastifyInstance): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          const v = contextValue.viewer;
          if (!v) return;
          const refused = errors.filter((e) => isAccessRefusal(e.originalError));
          if (refused.length === 0) return;
          const first = refused[0]!.originalError as RosterError;
          try {
            await auditRefusal(core.em(), actorOf(contextValue), {
              teamId: v.teamId,
              action: 'graphql.access.refused',
              reason: first.message,
              target: { type: 'graphql', id: operationName ?? '' },
              data: {
                code: first.code,
                operation: operationName ?? null,
                refusals: refused.slice(0, 20).map((e) => ({
                  path: e.path?.join('.') ?? null,
                  code: (e.originalError as RosterError).code,
                  ...refusalTarget(e.originalError as RosterError),
                })),
              },
            });
          } catch (error) {
            // The answer (the refusal) stands; a failed audit write is logged, not turned into a 500.
            app.log.error({ err: error }, 'could not audit a GraphQL access refusal');
          }
        },
      };
    },
  };
}

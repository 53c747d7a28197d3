import type { ClassRef } from '@roster/plugin-sdk';
import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { databaseUnavailable, isRosterError, createContext, type Core, type GqlContext, type Viewer } from '@roster/core';
import type { FastifyRequest } from 'fastify';
import { graphqlLimitsHook, type GraphqlLimits } from './graphql-limits.js';
import { textRulePlugin } from './graphql-text.js';

export async function buildRosterSchema(resolverClasses: ClassRef[], instances: Map<ClassRef, object>): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolverClasses as unknown as NonEmptyArray<ClassRef>,
    container: { get: (cls: ClassRef) => instances.get(cls) ?? new (cls as new () => object)() },
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
]);

export async function mountGraphql(
  app: FastifyInstance,
  opts: {
    schema: GraphQLSchema;
    core: Core;
    introspection: boolean;
    /** Leave "Did you mean …" suggestions (real field names) out of validation errors. */
    hideSchemaDetails: boolean;
    limits: GraphqlLimits;
    viewerOf: (req: FastifyRequest) => Promise<Viewer | null>;
  },
): Promise<ApolloServer<GqlContext>> {
  const apollo = new ApolloServer<GqlContext>({
    schema: opts.schema,
    introspection: opts.introspection,
    csrfPrevention: true,
    hideSchemaDetailsFromClientErrors: opts.hideSchemaDetails,
    // The cost limits run before Apollo (graphql-limits.ts); the parser's own bound stays as a second guard.
    parseOptions: { maxTokens: opts.limits.maxTokens },
    // Roster sets no cache hints; the default cache-control plugin would wrap every field for nothing.
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginCacheControlDisabled(), textRulePlugin()],
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
      context: async (request: FastifyRequest) =>
        createContext(opts.core, await viewerOrUnavailable(opts.viewerOf, request), String(request.id)),
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

import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, Kind, type ASTNode, type GraphQLSchema, type ValidationContext, type ValidationRule, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { isRosterError, createContext, type Core, type GqlContext, type Viewer } from '@roster/core';
import type { FastifyRequest } from 'fastify';
import { textRulePlugin } from './graphql-text.js';

export async function buildRosterSchema(resolverClasses: Function[], instances: Map<Function, object>): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolverClasses as unknown as NonEmptyArray<Function>,
    container: { get: (cls: Function) => instances.get(cls) ?? new (cls as new () => object)() },
    validate: false,
  });
}

const PASS_THROUGH = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'QUERY_TOO_COMPLEX']);

/** Limits nesting depth and the number of selected fields (fragments expanded) per operation. */
export function complexityRule(maxDepth: number, maxFields: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const walk = (set: SelectionSetNode, depth: number, seen: Set<string>, tally: { fields: number; depth: number }) => {
      tally.depth = Math.max(tally.depth, depth);
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          tally.fields++;
          if (s.selectionSet) walk(s.selectionSet, depth + 1, seen, tally);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          walk(s.selectionSet, depth, seen, tally);
        } else {
          const f = fragments.get(s.name.value);
          if (f && !seen.has(f.name.value)) walk(f.selectionSet, depth, new Set([...seen, f.name.value]), tally);
        }
      }
    };
    return {
      OperationDefinition(node: ASTNode) {
        if (node.kind !== Kind.OPERATION_DEFINITION) return;
        const tally = { fields: 0, depth: 0 };
        walk(node.selectionSet, 1, new Set(), tally);
        if (tally.depth > maxDepth) context.reportError(new GraphQLError(`Query depth ${tally.depth} exceeds the limit of ${maxDepth}.`, { extensions: { code: 'QUERY_TOO_COMPLEX' } }));
        if (tally.fields > maxFields) context.reportError(new GraphQLError(`Query selects ${tally.fields} fields, over the limit of ${maxFields}.`, { extensions: { code: 'QUERY_TOO_COMPLEX' } }));
      },
    };
  };
}

export async function mountGraphql(app: FastifyInstance, opts: {
  schema: GraphQLSchema;
  core: Core;
  introspection: boolean;
  maxDepth: number;
  maxFields: number;
  viewerOf: (req: FastifyRequest) => Promise<Viewer | null>;
}): Promise<ApolloServer<GqlContext>> {
  const apollo = new ApolloServer<GqlContext>({
    schema: opts.schema,
    introspection: opts.introspection,
    csrfPrevention: true,
    validationRules: [complexityRule(opts.maxDepth, opts.maxFields)],
    // Roster sets no cache hints; the default cache-control plugin would wrap every field for nothing.
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginCacheControlDisabled(), textRulePlugin()],
    // Coded domain errors pass with their code; anything unexpected is masked and logged.
    formatError(formatted, error) {
      const original = unwrapResolverError(error);
      if (isRosterError(original)) {
        return { message: original.message, path: formatted.path, locations: formatted.locations, extensions: { code: original.code, ...(Object.keys(original.details).length ? { details: original.details } : {}) } };
      }
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && PASS_THROUGH.has(code)) return formatted;
      app.log.error({ err: original }, 'unexpected GraphQL error');
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    context: async (request: FastifyRequest) => createContext(opts.core, await opts.viewerOf(request), String(request.id)),
  });
  return apollo;
}

/**
 * Typed GraphQL documents: gql.tada infers result and variable types from the SDL
 * (`schema/schema.graphql`, turned into `graphql-env.d.ts` by `gql-tada generate output`,
 * which the build runs). A query that does not match the schema fails `tsc`.
 */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTimeISO: string; JSONObject: Record<string, unknown> };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

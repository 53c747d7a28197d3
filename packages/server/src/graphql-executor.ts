import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

export interface CompiledQueriesOptions {
  /** Uses of one document before it is compiled: a query seen once (or crafted once) costs no compilation. */
  compileAfter: number;
  /** Compiled documents kept, least recently used dropped first. */
  max: number;
  /**
   * Whether this request's documents may be compiled. Compiling costs more than one execution, so
   * Roster compiles only for signed-in viewers: a stranger varying documents cannot make the node
   * compile (a document still needs `compileAfter` uses; the cost limits bound its size).
   */
  compileFor?: (context: unknown) => boolean;
  /** Told which engine ran each operation (the `roster_graphql_operations_total` metric). */
  ran?: (engine: 'compiled' | 'graphql-js') => void;
}

/**
 * Query execution compiled once per document (#19, the members page): graphql-jit turns a query
 * the console sends again and again into one JavaScript function, which resolves the same
 * resolvers without graphql-js's per-field bookkeeping (its paths, promises checks and result
 * maps were most of the page's garbage). Apollo Server 5 has no executor option; its `gateway`
 * interface is the supported way to hand it one, and keeps everything around execution as it
 * was: parsing and validation (cached), the cost limits, plugins (setup-link scopes before
 * execution, the R19 refusal audit after it), `formatError` and the status codes.
 *
 * graphql-js still executes:
 * - mutations (they change state: one engine, the reference one, for every write), subscriptions;
 * - a document until it has been used `compileAfter` times (compiling costs more than one
 *   execution, so unique or hostile documents never make the server compile);
 * - a query whose variables do not coerce: graphql-jit reports that before any resolver runs,
 *   and graphql-js answers with its own messages (Apollo turns them into BAD_USER_INPUT);
 * - anything graphql-jit cannot compile.
 */
export function compiledQueriesGateway(schema: GraphQLSchema, opts: CompiledQueriesOptions): Gateway {
  // Per document (Apollo's document store hands back the same node for the same text), per
  // operation: uses so far, the compiled query, or null when graphql-jit cannot compile it.
  // A Map keeps insertion order: re-inserting on use makes it a least-recently-used list.
  const documents = new Map<DocumentNode, Map<string, number | CompiledQuery | null>>();

  const compiled = (document: DocumentNode, operationName: string | null): CompiledQuery | null => {
    const perOp = documents.get(document) ?? new Map<string, number | CompiledQuery | null>();
    documents.delete(document);
    documents.set(document, perOp);
    if (documents.size > opts.max) documents.delete(documents.keys().next().value as DocumentNode);
    const op = operationName ?? '';
    const known = perOp.get(op);
    if (known === null) return null;
    if (typeof known === 'object') return known;
    const uses = (known ?? 0) + 1;
    if (uses < opts.compileAfter) {
      perOp.set(op, uses);
      return null;
    }
    const c = compileQuery(schema, document, operationName ?? undefined);
    const result = isCompiledQuery(c) ? c : null;
    perOp.set(op, result);
    return result;
  };

  const reference = (rc: Parameters<Executor>[0]): Promise<ExecutionResult> | ExecutionResult => {
    opts.ran?.('graphql-js');
    return execute({
      schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: rc.request.variables,
      operationName: rc.request.operationName,
    });
  };

  const executor: Executor = async (rc) => {
    if (rc.operation.operation !== 'query' || (opts.compileFor && !opts.compileFor(rc.context))) return reference(rc);
    const query = compiled(rc.document, rc.operationName);
    if (!query) return reference(rc);
    const result = await query.query(undefined, rc.context, rc.request.variables ?? {});
    // No `data` at all: the variables did not coerce, and no resolver ran.
    if (!('data' in result)) return reference(rc);
    opts.ran?.('compiled');
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
  };

  let listener: ((s: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      listener = callback;
      return () => {
        listener = undefined;
      };
    },
    async load() {
      listener?.({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors are GraphQLErrors without graphql-js's guarantees (`extensions` may be
 * undefined, no `nodes`); Apollo and Roster's plugins read `extensions.code`. The same error as
 * graphql-js would build: message, path, original error (whose code `formatError` passes on),
 * extensions, and the locations graphql-jit computed.
 */
function asGraphqlJsError(e: GraphQLError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions });
  if (e.locations) (error as { locations?: GraphQLError['locations'] }).locations = e.locations;
  return error;
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** What one GraphQL request may cost before any of graphql-js's validation runs on it. */
export interface GraphqlLimits {
  /** Lexical tokens per document (the parser stops there: `parse(…, { maxTokens })`). */
  maxTokens: number;
  /** Nesting depth of selection sets, fragments expanded. */
  maxDepth: number;
  /** Selected fields (aliases included) per document, every fragment spread expanded. */
  maxFields: number;
  /** Items of any list value, in the document or in the variables. */
  maxListLength: number;
}

const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
const listTooLong = (length: number, max: number) =>
  new GraphQLError(`A list argument has ${length} items; the limit is ${max}.`, {
    extensions: { code: 'LIST_TOO_LONG', http: { status: 400 } },
  });

/** Thrown to stop a measurement as soon as a limit is crossed: the rest is not worth counting. */
class Over {
  constructor(readonly error: GraphQLError) {}
}

interface Cost {
  fields: number;
  /** Levels of selection sets below this one. */
  depth: number;
}

/**
 * The cost of a parsed document, or the first limit it crosses. Linear in the document's size:
 * each fragment is measured once and its cost reused at every spread (a chain of fragments that
 * each spread the previous one twice doubles per line when re-walked), and counting stops at
 * the first limit crossed. Cycles count as nothing here; graphql-js's NoFragmentCycles refuses them.
 */
export function checkDocument(document: DocumentNode, limits: GraphqlLimits): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Cost>();
  const visiting = new Set<string>();
  let total = 0;

  const fragmentCost = (name: string): Cost => {
    const known = memo.get(name);
    if (known) return known;
    const f = fragments.get(name);
    if (!f || visiting.has(name)) return { fields: 0, depth: 0 };
    visiting.add(name);
    const cost = measure(f.selectionSet);
    visiting.delete(name);
    memo.set(name, cost);
    return cost;
  };
  const measure = (set: SelectionSetNode): Cost => {
    const cost: Cost = { fields: 0, depth: 0 };
    for (const s of set.selections) {
      let sub: Cost | null = null;
      if (s.kind === Kind.FIELD) {
        cost.fields++;
        for (const a of s.arguments ?? []) checkValue(a.value, limits.maxListLength);
        if (s.selectionSet) {
          const inner = measure(s.selectionSet);
          sub = { fields: inner.fields, depth: inner.depth + 1 };
        }
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        sub = measure(s.selectionSet);
      } else {
        sub = fragmentCost(s.name.value);
      }
      if (sub) {
        cost.fields += sub.fields;
        cost.depth = Math.max(cost.depth, sub.depth);
      }
      if (cost.fields > limits.maxFields)
        throw new Over(tooComplex(`The query selects more than ${limits.maxFields} fields (fragments expanded), over the limit.`));
      if (cost.depth + 1 > limits.maxDepth) throw new Over(tooComplex(`The query is nested deeper than the limit of ${limits.maxDepth}.`));
    }
    return cost;
  };

  const add = (fields: number) => {
    total += fields;
    if (total > limits.maxFields)
      throw new Over(tooComplex(`The query selects more than ${limits.maxFields} fields (fragments expanded), over the limit.`));
  };
  try {
    for (const d of document.definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const v of d.variableDefinitions ?? []) if (v.defaultValue) checkValue(v.defaultValue, limits.maxListLength);
      add(measure(d.selectionSet).fields);
    }
    // Validation refuses unused fragments, but it compares their fields first: they count too.
    for (const name of fragments.keys()) if (!memo.has(name)) add(fragmentCost(name).fields);
  } catch (e) {
    if (e instanceof Over) return e.error;
    throw e;
  }
  return null;
}

/** Literal lists in the document; nested values are bounded by the token limit already. */
function checkValue(value: ValueNode, max: number): void {
  if (value.kind === Kind.LIST) {
    if (value.values.length > max) throw new Over(listTooLong(value.values.length, max));
    for (const v of value.values) checkValue(v, max);
  } else if (value.kind === Kind.OBJECT) {
    for (const f of value.fields) checkValue(f.value, max);
  }
}

/** Arrays anywhere in the variables, walked without recursion (a body may nest arrays deeply). */
export function checkVariables(variables: unknown, max: number): GraphQLError | null {
  const stack: unknown[] = [variables];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      if (v.length > max) return listTooLong(v.length, max);
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const item of Object.values(v)) stack.push(item);
    }
  }
  return null;
}

/** The GraphQL request in a POST body or a GET query string, as far as the limits need it. */
function requestOf(method: string, body: unknown, query: unknown): { source?: unknown; variables?: unknown } {
  if (method === 'GET') {
    const q = (query ?? {}) as Record<string, unknown>;
    let variables: unknown;
    try {
      variables = typeof q.variables === 'string' ? JSON.parse(q.variables) : undefined;
    } catch {
      variables = undefined; // Apollo answers malformed variables itself
    }
    return { source: q.query, variables };
  }
  // A batch (an array) is refused by Apollo before it parses anything: batching is off.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  return { source: b.query, variables: b.variables };
}

/**
 * The whole check of one request: variables, then the document parsed with the token limit and
 * measured. A document that does not parse for any other reason passes here: Apollo parses it
 * again and answers the syntax error in its usual form.
 */
export function checkRequest(
  source: unknown,
  variables: unknown,
  limits: GraphqlLimits,
  passed: Set<string> = new Set(),
): GraphQLError | null {
  const listError = checkVariables(variables, limits.maxListLength);
  if (listError) return listError;
  if (typeof source !== 'string' || passed.has(source)) return null;
  const error = checkSource(source, limits);
  // A document that passed passes again (the limits are the server's, fixed): a client sends the
  // same few documents over and over, and parsing each request again was garbage for every page.
  if (!error && source.length <= PASSED_MAX_LENGTH) {
    if (passed.size >= PASSED_MAX) passed.delete(passed.values().next().value!);
    passed.add(source);
  }
  return error;
}

/** The documents remembered as within the limits: a bounded set (oldest first out) of short texts. */
const PASSED_MAX = 1000;
const PASSED_MAX_LENGTH = 8192;

function checkSource(source: string, limits: GraphqlLimits): GraphQLError | null {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (e) {
    // graphql-js 16 spells it "more that".
    if (e instanceof GraphQLError && /Document contains more (than|that) \d+ tokens/.test(e.message)) {
      return tooComplex(`The query has more than ${limits.maxTokens} tokens, over the limit.`);
    }
    return null;
  }
  return checkDocument(document, limits);
}

/**
 * A Fastify `preHandler` for the GraphQL route that refuses a request over the limits before
 * Apollo runs graphql-js's validation on it: its OverlappingFieldsCanBeMerged compares fields
 * pairwise (one field repeated 40,000 times held the event loop for 40 s), so a limit checked
 * by a validation rule comes too late, and Apollo turns an error thrown from its own hooks
 * before validation into a 500. Parsing here as well costs microseconds for real queries.
 */
export function graphqlLimitsHook(limits: GraphqlLimits) {
  const passed = new Set<string>();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { source, variables } = requestOf(request.method, request.body, request.query);
    const error = checkRequest(source, variables, limits, passed);
    if (!error) return;
    const code = String(error.extensions.code);
    request.log.warn({ code, reason: error.message }, 'GraphQL request refused by the cost limits');
    await reply
      .code(400)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message: error.message, extensions: { code } }] });
  };
}

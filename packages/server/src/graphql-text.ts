/**
 * The core's text rule (no NUL, no unpaired UTF-16 surrogate; `@roster/core` text.ts) at the
 * GraphQL edge, as an Apollo Server plugin: every variable and every inline string literal, any
 * argument or input field at any depth, before anything executes. A refusal is
 * `BAD_USER_INPUT` (HTTP 400) with the path in `extensions.details`; nothing is written.
 *
 * Three places, because each form of input reaches the server differently:
 * - variables: plain JSON values (a `"\ud800"` JSON escape becomes a lone surrogate);
 * - inline literals: `"\u0000"` is a valid GraphQL escape, so NUL survives parsing;
 * - a lone surrogate inside the query text (raw, or as a `\uD800` escape) or a raw NUL makes
 *   graphql-js's parser fail, which Apollo would answer as GRAPHQL_PARSE_FAILED: that refusal
 *   is relabelled, so the client gets the same code whichever way it sent the text.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { describeInvalidText, findInvalidText, textProblem, type InvalidText } from '@roster/core';

function refusal(found: InvalidText): GraphQLError {
  return new GraphQLError(describeInvalidText(found), {
    extensions: {
      code: 'BAD_USER_INPUT',
      details: { rule: 'INVALID_TEXT', path: found.path, reason: found.reason },
      http: { status: 400 },
    },
  });
}

/** `addMember.input.givenName`: the field, argument and input-field names above a literal. */
function literalPath(ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  const names: string[] = [];
  for (const a of ancestors) {
    if (Array.isArray(a)) continue;
    const node = a as ASTNode;
    if (
      node.kind === Kind.FIELD ||
      node.kind === Kind.ARGUMENT ||
      node.kind === Kind.OBJECT_FIELD ||
      node.kind === Kind.DIRECTIVE ||
      node.kind === Kind.VARIABLE_DEFINITION
    ) {
      names.push(node.kind === Kind.VARIABLE_DEFINITION ? `$${node.variable.name.value}` : node.name.value);
    }
  }
  return names.join('.');
}

/** The first inline string literal (arguments, input objects, lists, defaults, directives) that breaks the rule. */
function findInDocument(document: DocumentNode): InvalidText | null {
  let found: InvalidText | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      const reason = textProblem(node.value);
      // `ancestors` stops above the parent (the argument or input field that holds the literal).
      if (reason && !found) found = { path: literalPath(parent ? [...ancestors, parent] : ancestors), reason };
      return found ? false : undefined;
    },
  });
  return found;
}

/**
 * A surrogate escape (`\uD800`, `\u{D800}`) that is not half of a pair. graphql-js refuses
 * the source for it; the pattern only decides how that refusal is labelled.
 */
const HIGH = String.raw`\u(?:\{0*)?[dD][89abAB][0-9a-fA-F]{2}\}?`;
const LOW = String.raw`\u(?:\{0*)?[dD][c-fC-F][0-9a-fA-F]{2}\}?`;
const LONE_SURROGATE_ESCAPE = new RegExp(`${HIGH}(?!${LOW})|(?<!${HIGH})${LOW}`);

/** What in the query text breaks the rule, when graphql-js could not parse it. */
function sourceProblem(source: string): InvalidText | null {
  const raw = textProblem(source);
  if (raw) return { path: 'query', reason: raw };
  return LONE_SURROGATE_ESCAPE.test(source) ? { path: 'query', reason: 'LONE_SURROGATE' } : null;
}

export function textRulePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  // Documents come from Apollo's document cache: each is walked once.
  const checked = new WeakMap<DocumentNode, InvalidText | null>();
  return {
    async requestDidStart() {
      return {
        // Apollo documents throwing here as the way to refuse a request before it executes.
        async didResolveOperation({ request, document }) {
          const inVariables = findInvalidText(request.variables ?? {}, 'variables');
          if (inVariables) throw refusal(inVariables);
          let found = checked.get(document);
          if (found === undefined) {
            found = findInDocument(document);
            checked.set(document, found);
          }
          if (found) throw refusal(found);
        },
        // A lone surrogate (raw or escaped) or a raw NUL in the query text stops graphql-js's
        // parser, before any hook that may refuse: Apollo would answer GRAPHQL_PARSE_FAILED.
        // Parsing is the only hook that sees it (a throw from `didResolveSource` is a 500),
        // so the parse error is relabelled here: the client gets one code for one rule.
        async didEncounterErrors({ errors, source }) {
          for (const error of errors) {
            if (error.extensions.code !== 'GRAPHQL_PARSE_FAILED' || source === undefined) continue;
            const found = sourceProblem(source);
            if (!found) continue;
            const relabelled = refusal(found);
            error.message = relabelled.message;
            Object.assign(error.extensions, relabelled.extensions);
          }
        },
      };
    },
  };
}

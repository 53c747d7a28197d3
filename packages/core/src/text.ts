/**
 * The text rule every channel applies at its edge: a string Roster accepts holds no NUL
 * character and no unpaired UTF-16 surrogate. PostgreSQL refuses NUL in `text` and in `jsonb`
 * (the request would end in a 500), and a lone surrogate has no UTF-8 form (the driver would
 * store U+FFFD instead: a silent change of what the client sent). JSON (`"\u0000"`,
 * `"\ud800"`) and GraphQL (`"\u0000"`) escapes can carry both, so the check runs on parsed
 * values, not on the raw request bytes.
 *
 * One implementation, called by each edge (SCIM body and query, GraphQL literals and
 * variables, the password sign-in route), which each answer with their protocol's error.
 */
import { RosterError } from './errors.js';

/** Why a string is refused. */
export type InvalidTextReason = 'NUL' | 'LONE_SURROGATE';

export interface InvalidText {
  /** Where in the value: `emails[0].value`, `Operations[1].value.displayName`; '' for the value itself. */
  path: string;
  reason: InvalidTextReason;
}

// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;

/** The problem with one string, or null when it is acceptable text. */
export function textProblem(s: string): InvalidTextReason | null {
  // Fast path: almost every string has neither a NUL nor any surrogate.
  if (!NUL_OR_SURROGATE.test(s)) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'NUL';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return 'LONE_SURROGATE';
      i++; // a valid pair
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return 'LONE_SURROGATE';
    }
  }
  return null;
}

/** Attribute names, schema URNs (`urn:…:2.0:User`) and dotted names print bare; anything else in brackets. */
const IDENTIFIER = /^[A-Za-z_$][\w$:.-]*$/;

/** `a.b`, `a[0]`, `a["odd key"]`; odd keys are JSON-escaped, so a NUL never reaches a message or a log. */
function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

interface Frame {
  value: unknown;
  path: string;
}

/**
 * The first string (or object key) in `value` that breaks the text rule, walking strings,
 * arrays and plain objects in document order; null when all text is acceptable. Iterative, so a
 * deeply nested body cannot overflow the stack; `root` prefixes every path.
 */
export function findInvalidText(value: unknown, root = ''): InvalidText | null {
  const stack: Frame[] = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = textProblem(v);
      if (reason) return { path, reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: joinPath(path, i) });
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v as Record<string, unknown>);
      for (const [key] of entries) {
        const reason = textProblem(key);
        if (reason) return { path: joinPath(path, key), reason };
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], path: joinPath(path, entries[i]![0]) });
    }
  }
  return null;
}

/** The sentence every channel puts in its refusal: `"emails[0].value" contains a NUL character…`. */
export function describeInvalidText(found: InvalidText): string {
  const where = found.path === '' ? 'The value' : `"${found.path}"`;
  const what = found.reason === 'NUL' ? 'a NUL character (U+0000)' : 'an unpaired UTF-16 surrogate';
  return `${where} contains ${what}; text must be valid Unicode without NUL characters.`;
}

/**
 * The domain error for HTTP routes (400 `INVALID_TEXT`, the path and reason in `details`).
 * GraphQL answers the same refusal as `BAD_USER_INPUT`, SCIM as 400 `invalidValue`.
 */
export function invalidTextError(found: InvalidText): RosterError {
  return new RosterError('INVALID_TEXT', describeInvalidText(found), { path: found.path, reason: found.reason });
}

/**
 * The longest identifier Roster stores (userName, email, group name, external id). They are
 * indexed, and a long value that does not compress overflows PostgreSQL's index entry (a 500);
 * 512 characters is far above what Okta or Entra send (100–256).
 */
export const MAX_IDENTIFIER_LENGTH = 512;

/** Refuses an identifier longer than MAX_IDENTIFIER_LENGTH with BAD_USER_INPUT, naming the field. */
export function assertIdentifierLength(field: string, value: string | null | undefined): void {
  if (value && value.length > MAX_IDENTIFIER_LENGTH) {
    throw new RosterError('BAD_USER_INPUT', `${field} is longer than ${MAX_IDENTIFIER_LENGTH} characters`, {
      field,
      maxLength: MAX_IDENTIFIER_LENGTH,
    });
  }
}

/**
 * RFC 7644 §3.4.2.2 filter parser. Accepts the full grammar (eq ne co sw ew pr gt ge lt le,
 * and / or / not, parentheses, value paths) plus what real clients send beyond it:
 * operators and attribute names in any case, and unquoted values (`name.FamilyName eq
 * Employee`, `meta.Created gt 2015-10-10T14:38:21.8617979-07:00`) as Microsoft's tests do.
 * Every failure is a SCIM `invalidFilter` error naming the position, except a string literal
 * that breaks the text rule (NUL, lone surrogate): that is `invalidValue`, as in bodies.
 */
import { textProblem } from '@roster/plugin-sdk';
import { ScimError } from './errors.js';
import { parseAttrPath, formatAttrPath, type AttrPath } from './path.js';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

export type Filter =
  /** `raw` keeps an unquoted token's text, so `externalId eq 0012` can still compare as a string. */
  | { type: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue; raw?: string }
  | { type: 'present'; path: AttrPath }
  | { type: 'and'; left: Filter; right: Filter }
  | { type: 'or'; left: Filter; right: Filter }
  | { type: 'not'; filter: Filter }
  /** `emails[type eq "work"]`: `filter` paths are relative to one element (their `attr` is the sub-attribute). */
  | { type: 'valuePath'; path: AttrPath; filter: Filter };

export {
  toSql,
  sortSql,
  type ColumnMap,
  type ColumnSpec,
  type ColumnType,
  type ScalarColumn,
  type MultiValuedColumn,
  type CustomColumn,
  type SqlFragment,
} from './filter-sql.js';
export { matchesFilter } from './filter-eval.js';

const COMPARE_OPS: readonly string[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
/** Guards against stack exhaustion and pathological inputs; far beyond what an IdP sends. */
export const MAX_FILTER_LENGTH = 8192;
export const MAX_FILTER_DEPTH = 32;

type TokenKind = '(' | ')' | '[' | ']' | 'string' | 'word';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

function invalid(detail: string): never {
  throw new ScimError('SCIM_ERR_FILTER_INVALID', `Invalid filter: ${detail}`);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, text: c, pos: i });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) invalid(`unterminated string starting at position ${i}`);
      let text: string;
      try {
        text = JSON.parse(input.slice(i, j + 1)) as string;
      } catch {
        invalid(`bad escape in string at position ${i}`);
      }
      // `"\u0000"` is a valid escape: the decoded text must still obey the text rule (it may be
      // compared in SQL, or become a value through a PATCH path's filter).
      const problem = textProblem(text);
      if (problem)
        throw new ScimError(
          'SCIM_ERR_TEXT_INVALID',
          `The string at position ${i} of the filter contains ${problem === 'NUL' ? 'a NUL character' : 'an unpaired UTF-16 surrogate'}; text must be valid Unicode without NUL characters.`,
        );
      tokens.push({ kind: 'string', text, pos: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"]/.test(input[j]!)) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j), pos: i });
      i = j;
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Filter {
    if (this.tokens.length === 0) invalid('the filter is empty');
    const f = this.or(false);
    const extra = this.peek();
    if (extra) invalid(`unexpected "${extra.text}" at position ${extra.pos}`);
    return f;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(what: string): Token {
    const t = this.tokens[this.i++];
    if (!t) invalid(`expected ${what} but the filter ended`);
    return t;
  }

  private isKeyword(t: Token | undefined, word: string): boolean {
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private or(inValuePath: boolean): Filter {
    let left = this.and(inValuePath);
    while (this.isKeyword(this.peek(), 'or')) {
      this.i++;
      left = { type: 'or', left, right: this.and(inValuePath) };
    }
    return left;
  }

  private and(inValuePath: boolean): Filter {
    let left = this.unary(inValuePath);
    while (this.isKeyword(this.peek(), 'and')) {
      this.i++;
      left = { type: 'and', left, right: this.unary(inValuePath) };
    }
    return left;
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_FILTER_DEPTH)
      throw new ScimError('SCIM_ERR_FILTER_TOO_COMPLEX', `Invalid filter: nested deeper than ${MAX_FILTER_DEPTH} levels`);
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private group(inValuePath: boolean): Filter {
    const open = this.next('"("');
    if (open.kind !== '(') invalid(`expected "(" at position ${open.pos}, found "${open.text}"`);
    const inner = this.nested(() => this.or(inValuePath));
    const close = this.next('")"');
    if (close.kind !== ')') invalid(`expected ")" at position ${close.pos}, found "${close.text}"`);
    return inner;
  }

  private unary(inValuePath: boolean): Filter {
    const t = this.peek();
    if (this.isKeyword(t, 'not') && this.tokens[this.i + 1]?.kind === '(') {
      this.i++;
      return { type: 'not', filter: this.group(inValuePath) };
    }
    if (t?.kind === '(') return this.group(inValuePath);
    return this.attrExpression(inValuePath);
  }

  private attrExpression(inValuePath: boolean): Filter {
    const t = this.next('an attribute name');
    if (t.kind !== 'word') invalid(`expected an attribute name at position ${t.pos}, found "${t.text}"`);
    const path = parseAttrPath(t.text);
    if (!path) invalid(`"${t.text}" at position ${t.pos} is not an attribute path`);
    if (this.peek()?.kind === '[') {
      if (inValuePath) invalid(`value filters cannot be nested (position ${this.peek()!.pos})`);
      if (path.sub !== undefined) invalid(`a value filter applies to an attribute, not to "${t.text}"`);
      return this.valuePath(path);
    }
    if (inValuePath && path.uri !== undefined) invalid(`"${t.text}" inside a value filter must be a sub-attribute`);
    return this.comparison(path, t);
  }

  private valuePath(path: AttrPath): Filter {
    this.i++; // '['
    const filter = this.nested(() => this.or(true));
    const close = this.next('"]"');
    if (close.kind !== ']') invalid(`expected "]" at position ${close.pos}, found "${close.text}"`);
    const node: Filter = { type: 'valuePath', path, filter };
    // Not in the RFC's filter grammar, but clients write `emails[type eq "work"].value eq "x"`:
    // it means the same element must match both, which is the valuePath with the comparison inside.
    const after = this.peek();
    if (after?.kind === 'word' && after.text.startsWith('.')) {
      this.i++;
      const sub = parseAttrPath(after.text.slice(1));
      if (!sub || sub.sub !== undefined || sub.uri !== undefined)
        invalid(`"${after.text}" at position ${after.pos} is not a sub-attribute`);
      return { type: 'valuePath', path, filter: { type: 'and', left: filter, right: this.comparison(sub, after) } };
    }
    return node;
  }

  private comparison(path: AttrPath, at: Token): Filter {
    const opToken = this.next(`an operator after "${at.text}"`);
    const op = opToken.text.toLowerCase();
    if (opToken.kind === 'word' && op === 'pr') return { type: 'present', path };
    if (opToken.kind !== 'word' || !COMPARE_OPS.includes(op)) {
      invalid(
        `expected an operator (eq ne co sw ew gt ge lt le pr) after "${formatAttrPath(path)}" at position ${opToken.pos}, found "${opToken.text}"`,
      );
    }
    const v = this.next(`a value after "${opToken.text}"`);
    if (v.kind === 'string') return { type: 'compare', path, op: op as CompareOp, value: v.text };
    if (v.kind !== 'word') invalid(`expected a value at position ${v.pos}, found "${v.text}"`);
    return { type: 'compare', path, op: op as CompareOp, value: bareValue(v.text), raw: v.text };
  }
}

/** JSON literals keep their meaning; any other unquoted token is a string (Microsoft compatibility). */
function bareValue(text: string): FilterValue {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

export function parseFilter(input: string): Filter {
  if (typeof input !== 'string') invalid('the filter must be a string');
  if (input.length > MAX_FILTER_LENGTH)
    throw new ScimError('SCIM_ERR_FILTER_TOO_COMPLEX', `Invalid filter: longer than ${MAX_FILTER_LENGTH} characters`);
  return new Parser(tokenize(input)).parse();
}

/** Renders an AST back to RFC syntax (for logs, audit details and test diagnostics). */
export function formatFilter(f: Filter): string {
  switch (f.type) {
    case 'compare':
      return `${formatAttrPath(f.path)} ${f.op} ${JSON.stringify(f.value)}`;
    case 'present':
      return `${formatAttrPath(f.path)} pr`;
    case 'and':
    case 'or':
      return `(${formatFilter(f.left)} ${f.type} ${formatFilter(f.right)})`;
    case 'not':
      return `not (${formatFilter(f.filter)})`;
    case 'valuePath':
      return `${formatAttrPath(f.path)}[${formatFilter(f.filter)}]`;
  }
}

/**
 * In-memory filter evaluation over JSON, for the places where the data is already loaded:
 * PATCH value-selection paths (`emails[type eq "work"]`) and attribute projections. Listing
 * and searching resources never use this; they go through `toSql`.
 */
import type { CompareOp, Filter, FilterValue } from './filter.js';
import { getCI, isObject, type JsonObject, type JsonValue } from './json.js';
import type { AttrPath } from './path.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T/;

/** Values found at a path; arrays are flattened, as SCIM's "any value matches" semantics want. */
function valuesAt(obj: JsonObject, path: AttrPath): JsonValue[] {
  let start: JsonValue | undefined = obj;
  if (path.uri !== undefined) start = getCI(obj, path.uri);
  if (!isObject(start)) return [];
  const top = getCI(start, path.attr);
  const tops = top === undefined ? [] : Array.isArray(top) ? top : [top];
  if (path.sub === undefined) {
    // A multi-valued complex attribute compared directly compares its `value` sub-attribute.
    return tops.map((t) => (isObject(t) ? (getCI(t, 'value') ?? null) : t));
  }
  const out: JsonValue[] = [];
  for (const t of tops) {
    if (!isObject(t)) continue;
    const v = getCI(t, path.sub);
    if (v === undefined) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

function present(v: JsonValue): boolean {
  if (v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

function compareOne(actual: JsonValue, op: CompareOp, expected: FilterValue, raw: string | undefined): boolean {
  if (expected === null) return op === 'eq' ? actual === null : op === 'ne' ? actual !== null : false;
  if (actual === null || typeof actual === 'object') return op === 'ne';
  if (typeof actual === 'boolean') {
    const b =
      typeof expected === 'boolean'
        ? expected
        : String(expected).toLowerCase() === 'true'
          ? true
          : String(expected).toLowerCase() === 'false'
            ? false
            : undefined;
    if (b === undefined) return false;
    return op === 'eq' ? actual === b : op === 'ne' ? actual !== b : false;
  }
  if (typeof actual === 'number') {
    const n = typeof expected === 'number' ? expected : Number(expected);
    if (!Number.isFinite(n)) return false;
    switch (op) {
      case 'eq':
        return actual === n;
      case 'ne':
        return actual !== n;
      case 'gt':
        return actual > n;
      case 'ge':
        return actual >= n;
      case 'lt':
        return actual < n;
      case 'le':
        return actual <= n;
      default:
        return false;
    }
  }
  const e = raw ?? String(expected);
  if (ISO_DATE.test(actual) && ISO_DATE.test(e) && !['co', 'sw', 'ew'].includes(op)) {
    const a = Date.parse(actual);
    const b = Date.parse(e);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return compareOrdered(a, b, op);
  }
  const a = actual.toLowerCase();
  const b = e.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return compareOrdered(a, b, op);
  }
}

function compareOrdered<T extends string | number>(a: T, b: T, op: CompareOp): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

/**
 * Whether a JSON object (a resource, or one element of a multi-valued attribute) matches.
 * Strings compare case-insensitively, the RFC default; missing attributes match only `ne`
 * and `not`.
 */
export function matchesFilter(f: Filter, obj: JsonObject): boolean {
  switch (f.type) {
    case 'and':
      return matchesFilter(f.left, obj) && matchesFilter(f.right, obj);
    case 'or':
      return matchesFilter(f.left, obj) || matchesFilter(f.right, obj);
    case 'not':
      return !matchesFilter(f.filter, obj);
    case 'present':
      return valuesAt(obj, f.path).some(present);
    case 'compare': {
      const values = valuesAt(obj, f.path);
      if (values.length === 0) return f.op === 'ne' || (f.op === 'eq' && f.value === null);
      return values.some((v) => compareOne(v, f.op, f.value, f.raw));
    }
    case 'valuePath': {
      const holder = f.path.uri !== undefined ? getCI(obj, f.path.uri) : obj;
      const v = isObject(holder) ? getCI(holder, f.path.attr) : undefined;
      const elements = v === undefined ? [] : Array.isArray(v) ? v : [v];
      return elements.some((el) => isObject(el) && matchesFilter(f.filter, el));
    }
  }
}

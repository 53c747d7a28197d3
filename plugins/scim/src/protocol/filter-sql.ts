/**
 * Filter AST → parameterised SQL (knex-style `?` placeholders) over a column map the caller
 * supplies, so filtering happens in the database on indexed expressions and a team is never
 * loaded into memory. Case-insensitive strings compare as `lower(col) … lower(?)`, which a
 * `lower()` expression index serves.
 */
import { ScimError } from './errors.js';
import type { CompareOp, Filter, FilterValue } from './filter.js';
import { attrPathKey, formatAttrPath, parseAttrPath, type AttrPath } from './path.js';

export type ColumnType = 'string' | 'boolean' | 'datetime' | 'number' | 'uuid';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** One value per row: a column or any SQL expression over the row (`u.login`, `m.attributes->>'title'`). */
export interface ScalarColumn {
  sql: string;
  /** `uuid` columns answer `false` for a value that is not a UUID instead of a database error. */
  type: ColumnType;
  /** Strings compare case-insensitively unless this is set (RFC 7643 `caseExact`). @default false */
  caseExact?: boolean;
}

/**
 * A multi-valued attribute (`emails`, `members`): a set of rows correlated to the outer row.
 * A condition becomes `exists (select 1 from <from> where <where> and <condition>)`, so
 * `emails[type eq "work" and value co "x"]` requires one element to match both. `from` can be
 * a table (`group_member gm`, with `where: 'gm.group_id = g.id'`) or a jsonb set
 * (`jsonb_array_elements(m.attributes->'emails') e`, sub columns `e->>'value'`).
 */
export interface MultiValuedColumn {
  from: string;
  where?: string;
  /** Sub-attribute columns by lower-case name, evaluated on each element row. */
  sub: Record<string, ScalarColumn>;
  /** What `emails eq "x"` compares (RFC 7644 §3.4.2.2 uses `value`). @default 'value' */
  valueSub?: string;
}

/** Escape hatch for expressions that are neither (e.g. a jsonb containment served by a GIN index). */
export interface CustomColumn {
  compile(op: CompareOp | 'pr', value: FilterValue): SqlFragment;
}

export type ColumnSpec = ScalarColumn | MultiValuedColumn | CustomColumn;
/** Keyed by lower-case SCIM path: `username`, `name.familyname`, `emails`, `urn:…:2.0:user:department`. */
export type ColumnMap = Record<string, ColumnSpec>;

const isMulti = (c: ColumnSpec): c is MultiValuedColumn => 'from' in c;
const isCustom = (c: ColumnSpec): c is CustomColumn => 'compile' in c;

function invalid(detail: string): never {
  throw new ScimError('SCIM_ERR_FILTER_INVALID', `Invalid filter: ${detail}`);
}

const SQL_OP: Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

function likePattern(op: 'co' | 'sw' | 'ew', s: string): string {
  const e = escapeLike(s);
  return op === 'co' ? `%${e}%` : op === 'sw' ? `${e}%` : `%${e}`;
}

/** A `ne` that also matches rows without a value, as SCIM's "not equal" does. */
const notEqual = (col: string, cmp: string): string => `(${col} is null or ${cmp})`;

function compileScalar(col: ScalarColumn, op: CompareOp | 'pr', value: FilterValue, raw: string | undefined, path: string): SqlFragment {
  const c = col.sql;
  if (op === 'pr') return { sql: col.type === 'string' ? `(${c} is not null and ${c} <> '')` : `${c} is not null`, params: [] };
  if (value === null) {
    if (op === 'eq') return { sql: `${c} is null`, params: [] };
    if (op === 'ne') return { sql: `${c} is not null`, params: [] };
    invalid(`"${op}" cannot compare ${path} with null`);
  }
  switch (col.type) {
    case 'string': {
      const s = raw ?? String(value);
      const [lhs, rhs] = col.caseExact ? [c, '?'] : [`lower(${c})`, 'lower(?)'];
      if (op === 'co' || op === 'sw' || op === 'ew') return { sql: `${lhs} like ${rhs}`, params: [likePattern(op, s)] };
      const cmp = `${lhs} ${SQL_OP[op]} ${rhs}`;
      return { sql: op === 'ne' ? notEqual(c, cmp) : cmp, params: [s] };
    }
    case 'uuid': {
      const s = raw ?? String(value);
      if (op === 'co' || op === 'sw' || op === 'ew') return { sql: `${c}::text like lower(?)`, params: [likePattern(op, s)] };
      if (op === 'eq' || op === 'ne') {
        // A non-UUID can equal no row; answering in SQL keeps Postgres from raising a cast error.
        if (!UUID.test(s)) return { sql: op === 'eq' ? 'false' : 'true', params: [] };
        const cmp = `${c} ${SQL_OP[op]} ?`;
        return { sql: op === 'ne' ? notEqual(c, cmp) : cmp, params: [s.toLowerCase()] };
      }
      return { sql: `${c}::text ${SQL_OP[op]} lower(?)`, params: [s] };
    }
    case 'boolean': {
      const b =
        typeof value === 'boolean'
          ? value
          : typeof value === 'string' && /^(true|false)$/i.test(value)
            ? value.toLowerCase() === 'true'
            : undefined;
      if (b === undefined) invalid(`${path} is a boolean; ${JSON.stringify(value)} is not`);
      if (op === 'eq') return { sql: `${c} = ?`, params: [b] };
      if (op === 'ne') return { sql: notEqual(c, `${c} <> ?`), params: [b] };
      return invalid(`"${op}" is not defined for the boolean ${path}`);
    }
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) invalid(`${path} is a number; ${JSON.stringify(value)} is not`);
      if (op === 'co' || op === 'sw' || op === 'ew') invalid(`"${op}" is not defined for the number ${path}`);
      const cmp = `${c} ${SQL_OP[op]} ?`;
      return { sql: op === 'ne' ? notEqual(c, cmp) : cmp, params: [n] };
    }
    case 'datetime': {
      const s = typeof value === 'string' ? value.trim() : '';
      if (!DATE.test(s) || Number.isNaN(Date.parse(s.length > 10 ? s : `${s}T00:00:00Z`)))
        invalid(`${path} is a dateTime; ${JSON.stringify(value)} is not`);
      if (op === 'co' || op === 'sw' || op === 'ew') invalid(`"${op}" is not defined for the dateTime ${path}`);
      // The text goes to Postgres as is: it parses ISO 8601 with more precision than a JS Date keeps.
      const cmp = `${c} ${SQL_OP[op]} ?`;
      return { sql: op === 'ne' ? notEqual(c, cmp) : cmp, params: [s] };
    }
  }
}

/** Compiles one comparison against a column spec; `multi` columns without a sub use their value sub-attribute. */
function compileLeaf(spec: ColumnSpec, op: CompareOp | 'pr', value: FilterValue, raw: string | undefined, path: string): SqlFragment {
  if (isCustom(spec)) return spec.compile(op, value);
  if (isMulti(spec)) {
    if (op === 'pr') return exists(spec, { sql: 'true', params: [] });
    const sub = spec.sub[(spec.valueSub ?? 'value').toLowerCase()];
    if (!sub) invalid(`${path} has no value sub-attribute to compare`);
    return exists(spec, compileScalar(sub, op, value, raw, path));
  }
  return compileScalar(spec, op, value, raw, path);
}

function exists(spec: MultiValuedColumn, cond: SqlFragment): SqlFragment {
  const where = [spec.where, cond.sql === 'true' ? undefined : cond.sql].filter((s): s is string => !!s).join(' and ');
  return { sql: `exists (select 1 from ${spec.from}${where ? ` where ${where}` : ''})`, params: cond.params };
}

type Resolve = (path: AttrPath) => { spec: ColumnSpec; sub?: ScalarColumn; multi?: MultiValuedColumn };

function topLevel(columns: ColumnMap): Resolve {
  return (path) => {
    const direct = columns[attrPathKey(path)];
    if (direct) return { spec: direct };
    if (path.sub !== undefined) {
      const parent = columns[attrPathKey({ ...path, sub: undefined })];
      if (parent && isMulti(parent)) {
        const sub = parent.sub[path.sub.toLowerCase()];
        if (sub) return { spec: parent, sub, multi: parent };
      }
    }
    return invalid(`unknown or unfilterable attribute "${formatAttrPath(path)}"`);
  };
}

function compile(f: Filter, resolve: Resolve, columns: ColumnMap): SqlFragment {
  switch (f.type) {
    case 'and':
    case 'or': {
      const l = compile(f.left, resolve, columns);
      const r = compile(f.right, resolve, columns);
      return { sql: `(${l.sql} ${f.type} ${r.sql})`, params: [...l.params, ...r.params] };
    }
    case 'not': {
      // coalesce: a row without the attribute has "not (title eq x)" true, as SCIM means it.
      const inner = compile(f.filter, resolve, columns);
      return { sql: `not coalesce(${inner.sql}, false)`, params: inner.params };
    }
    case 'present':
    case 'compare': {
      const r = resolve(f.path);
      const op = f.type === 'present' ? 'pr' : f.op;
      const value = f.type === 'present' ? null : f.value;
      const raw = f.type === 'compare' ? f.raw : undefined;
      const name = formatAttrPath(f.path);
      if (r.multi && r.sub) return exists(r.multi, compileScalar(r.sub, op, value, raw, name));
      return compileLeaf(r.spec, op, value, raw, name);
    }
    case 'valuePath': {
      const spec = columns[attrPathKey(f.path)];
      if (spec && isMulti(spec)) {
        // Inside the brackets, names are sub-attributes of one element row.
        const inner = compile(
          f.filter,
          (p) => {
            const sub = spec.sub[p.attr.toLowerCase()];
            if (!sub || p.sub !== undefined) return invalid(`unknown sub-attribute "${formatAttrPath(f.path)}.${formatAttrPath(p)}"`);
            return { spec: sub };
          },
          columns,
        );
        return exists(spec, inner);
      }
      // A single-valued complex attribute (`name[givenName eq "x"]`) is just its sub-attributes.
      return compile(f.filter, (p) => resolve({ ...f.path, sub: p.attr }), columns);
    }
  }
}

/**
 * Translates a parsed filter to a SQL condition. Throws `invalidFilter` for attributes the
 * map does not name and for comparisons the attribute's type does not define.
 */
export function toSql(ast: Filter, columns: ColumnMap): SqlFragment {
  return compile(ast, topLevel(columns), columns);
}

/**
 * `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3) → an ORDER BY expression over a scalar column.
 * Strings sort case-insensitively unless caseExact, matching how filters compare them.
 */
export function sortSql(sortBy: string, sortOrder: string | undefined, columns: ColumnMap): string {
  const path = parseAttrPath(sortBy.trim());
  const spec = path ? columns[attrPathKey(path)] : undefined;
  if (!spec || isMulti(spec) || isCustom(spec))
    throw new ScimError('SCIM_ERR_PATH_INVALID', `sortBy "${sortBy}" is not a sortable attribute`);
  const order = sortOrder === undefined || sortOrder === '' ? 'asc' : sortOrder.toLowerCase();
  if (order !== 'ascending' && order !== 'descending' && order !== 'asc' && order !== 'desc') {
    throw new ScimError('SCIM_ERR_VALUE_INVALID', `sortOrder must be "ascending" or "descending", not "${sortOrder}"`);
  }
  const expr = spec.type === 'string' && !spec.caseExact ? `lower(${spec.sql})` : spec.sql;
  return `${expr} ${order.startsWith('desc') ? 'desc' : 'asc'}`;
}

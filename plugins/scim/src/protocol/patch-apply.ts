/**
 * Applies canonical PATCH operations to a resource's JSON (RFC 7644 §3.5.2), purely: the
 * handler loads the user as SCIM JSON, applies, and saves the result like a PUT, so PATCH and
 * PUT share one validation and one write path. Multi-valued and complex attributes follow the
 * RFC: add appends (without duplicates), replace swaps, complex values merge sub-attributes.
 */
import { ScimError } from './errors.js';
import type { Filter } from './filter.js';
import { matchesFilter } from './filter-eval.js';
import { cloneJson, findKey, isObject, jsonEqual, type JsonObject, type JsonValue } from './json.js';
import { findByName, findExtension } from './path.js';
import { USER_RESOURCE, type AttributeDef, type ResourceDef } from './schema-defs.js';
import type { PatchOperation } from './patch.js';

/** `type eq "work" and primary eq true` → `{type: "work", primary: true}`: the element an add creates when none matches. */
export function filterTemplate(f: Filter): JsonObject | undefined {
  if (f.type === 'compare' && f.op === 'eq' && f.value !== null && f.path.sub === undefined && f.path.uri === undefined) {
    return { [f.path.attr]: f.value };
  }
  if (f.type === 'and') {
    const l = filterTemplate(f.left);
    const r = filterTemplate(f.right);
    return l && r ? { ...l, ...r } : undefined;
  }
  return undefined;
}

/** Where the attribute lives: the resource itself, or its extension object (created when writing). */
function holder(resource: JsonObject, extension: string | undefined, create: boolean): JsonObject | undefined {
  if (!extension) return resource;
  const key = findKey(resource, extension);
  const existing = key === undefined ? undefined : resource[key];
  if (isObject(existing)) {
    if (key !== extension) {
      delete resource[key!];
      resource[extension] = existing;
    }
    return existing;
  }
  if (!create) return undefined;
  const fresh: JsonObject = {};
  resource[extension] = fresh;
  return fresh;
}

/** Reads an attribute and re-keys it to its canonical name, so later writes do not leave a twin key. */
function take(obj: JsonObject, name: string): JsonValue | undefined {
  const key = findKey(obj, name);
  if (key === undefined) return undefined;
  const v = obj[key]!;
  if (key !== name) {
    delete obj[key];
    obj[name] = v;
  }
  return v;
}

function setOrDelete(obj: JsonObject, name: string, v: JsonValue | undefined): void {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0))
    delete obj[name];
  else obj[name] = v;
}

/** Merges sub-attributes; a null sub-attribute value unassigns it. */
function merge(into: JsonObject, from: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(from)) {
    const key = findKey(into, k);
    if (key !== undefined && key !== k) delete into[key];
    if (v === null) delete into[k];
    else into[k] = v;
  }
  return into;
}

/** Two elements are the same value when their `value` (case-insensitively) and `type` agree, else when equal. */
function sameElement(a: JsonValue, b: JsonValue): boolean {
  if (isObject(a) && isObject(b) && a.value !== undefined && b.value !== undefined) {
    const va = typeof a.value === 'string' ? a.value.toLowerCase() : a.value;
    const vb = typeof b.value === 'string' ? b.value.toLowerCase() : b.value;
    return va === vb && (a.type ?? null) === (b.type ?? null);
  }
  return jsonEqual(a, b);
}

/** Setting one element primary clears the others (RFC 7643 §2.4). */
function keepOnePrimary(list: JsonValue[], chosen: JsonValue): void {
  if (!isObject(chosen) || chosen.primary !== true) return;
  for (const el of list) if (el !== chosen && isObject(el) && el.primary === true) el.primary = false;
}

function asList(v: JsonValue | undefined): JsonValue[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function noTarget(op: PatchOperation): never {
  throw new ScimError('SCIM_ERR_NO_TARGET', `No value of ${op.target.attr} matches the filter of this "${op.op}"`);
}

function applyMulti(obj: JsonObject, def: AttributeDef, op: PatchOperation): void {
  const { filter, sub } = op.target;
  const list = asList(take(obj, def.name)).slice();
  const value = op.value;
  if (!filter && !sub) {
    if (op.op === 'remove') {
      const drop = asList(value);
      setOrDelete(obj, def.name, drop.length === 0 ? undefined : list.filter((el) => !drop.some((d) => sameElement(el, d))));
      return;
    }
    const incoming = asList(value);
    const base = op.op === 'replace' ? [] : list;
    for (const el of incoming) {
      const twin = base.find((x) => sameElement(x, el));
      if (twin && isObject(twin) && isObject(el)) merge(twin, el);
      else if (!twin) base.push(el);
      keepOnePrimary(base, twin ?? el);
    }
    setOrDelete(obj, def.name, base);
    return;
  }
  const matches = filter ? list.filter((el) => isObject(el) && matchesFilter(filter, el)) : list;
  if (op.op === 'remove') {
    const kept = sub
      ? list.filter((el) => {
          if (!matches.includes(el) || !isObject(el)) return true;
          delete el[sub];
          // An element whose value is gone means nothing any more (an email without an address).
          return el.value !== undefined && Object.keys(el).length > 0;
        })
      : list.filter((el) => !matches.includes(el));
    setOrDelete(obj, def.name, kept);
    return;
  }
  if (matches.length === 0) {
    // Entra adds `emails[type eq "work"].value` for a user without a work email: it means "create it".
    const template = filter ? filterTemplate(filter) : {};
    if (!template) noTarget(op);
    const created: JsonObject = sub ? { ...template, [sub]: value ?? null } : isObject(value) ? { ...template, ...value } : noTarget(op);
    list.push(created);
    keepOnePrimary(list, created);
    setOrDelete(obj, def.name, list);
    return;
  }
  for (const el of matches) {
    if (!isObject(el)) continue;
    if (sub) {
      if (value === null || value === undefined) delete el[sub];
      else el[sub] = value;
    } else if (isObject(value)) {
      if (op.op === 'replace') {
        // The matched values are replaced (RFC 7644 §3.5.2.3), but they still answer the filter.
        for (const k of Object.keys(el)) delete el[k];
        merge(el, (filter && filterTemplate(filter)) ?? {});
      }
      merge(el, value);
    }
    keepOnePrimary(list, el);
  }
  setOrDelete(obj, def.name, list);
}

function applySingle(obj: JsonObject, def: AttributeDef, op: PatchOperation): void {
  const { filter, sub } = op.target;
  const current = take(obj, def.name);
  if (filter && !(isObject(current) && matchesFilter(filter, current))) {
    if (op.op === 'remove') return;
    noTarget(op);
  }
  if (op.op === 'remove') {
    if (sub && isObject(current)) {
      delete current[sub];
      setOrDelete(obj, def.name, current);
    } else delete obj[def.name];
    return;
  }
  if (sub) {
    const into = isObject(current) ? current : {};
    setOrDelete(into, sub, op.value);
    setOrDelete(obj, def.name, into);
  } else if (def.type === 'complex' && isObject(op.value)) {
    // Replace of a complex attribute keeps the sub-attributes it does not mention (RFC 7644 §3.5.2.3).
    setOrDelete(obj, def.name, merge(isObject(current) ? current : {}, op.value));
  } else {
    setOrDelete(obj, def.name, op.value);
  }
}

function definition(resource: ResourceDef, op: PatchOperation): AttributeDef {
  const schema = op.target.extension ? findExtension(resource, op.target.extension) : resource.schema;
  const def = findByName(schema?.attributes, op.target.attr);
  // `externalId` and the other common attributes are plain single values here.
  return (
    def ?? {
      name: op.target.attr,
      type: 'string',
      multiValued: false,
      description: '',
      required: false,
      caseExact: true,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    }
  );
}

/**
 * Returns a new resource with the operations applied in order; the input is not modified.
 * Throws `noTarget` when a filtered replace matches nothing and cannot create the element.
 */
export function applyPatchToResource(resource: JsonObject, ops: readonly PatchOperation[], def: ResourceDef = USER_RESOURCE): JsonObject {
  const out = cloneJson(resource);
  for (const op of ops) {
    const obj = holder(out, op.target.extension, op.op !== 'remove');
    if (!obj) continue; // removing from an extension the resource does not have: already absent
    const attr = definition(def, op);
    if (attr.multiValued) applyMulti(obj, attr, op);
    else applySingle(obj, attr, op);
    if (op.target.extension && Object.keys(obj).length === 0) delete out[op.target.extension];
  }
  return out;
}

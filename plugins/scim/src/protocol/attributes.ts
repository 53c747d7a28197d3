/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a rendered
 * resource. Names are case-insensitive; `name.givenName`, whole extension URNs and
 * `urn:…:User:department` are understood, and so is `emails[type eq "work"]`, which Microsoft's
 * tests send to ask for the matching values only. `id`, `schemas` and `meta` are always kept.
 */
import { ScimError, isScimError } from './errors.js';
import type { Filter } from './filter.js';
import { matchesFilter } from './filter-eval.js';
import { cloneJson, findKey, isObject, type JsonObject, type JsonValue } from './json.js';
import { findExtension } from './path.js';
import { parsePatchPath } from './patch.js';
import type { ResourceDef } from './schema-defs.js';

/** One entry of an attribute list; `attr` is absent when a whole extension is named. */
export interface AttributeSelector {
  extension?: string;
  attr?: string;
  sub?: string;
  filter?: Filter;
}

const ALWAYS = ['id', 'schemas', 'meta'];

/** Splits on commas outside brackets and quotes (a filter may contain both). */
function splitList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseAttributeList(text: string | undefined, resource: ResourceDef): AttributeSelector[] {
  if (text === undefined || text.trim() === '') return [];
  return splitList(text).map((item) => {
    const ext = findExtension(resource, item);
    if (ext) return { extension: ext.id };
    try {
      const { path, filter } = parsePatchPath(item);
      const sel: AttributeSelector = { attr: path.attr };
      if (path.uri !== undefined) sel.extension = findExtension(resource, path.uri)?.id ?? path.uri;
      if (path.sub !== undefined) sel.sub = path.sub;
      if (filter) sel.filter = filter;
      return sel;
    } catch (e) {
      if (isScimError(e))
        throw new ScimError('SCIM_ERR_VALUE_INVALID', `Invalid attribute list entry ${JSON.stringify(item)}: ${e.message}`);
      throw e;
    }
  });
}

function holderOf(obj: JsonObject, extension: string | undefined): JsonObject | undefined {
  if (extension === undefined) return obj;
  const key = findKey(obj, extension);
  const v = key === undefined ? undefined : obj[key];
  return isObject(v) ? v : undefined;
}

/** The part of `value` a selector asks for, or undefined when nothing is left. */
function pick(value: JsonValue, sel: AttributeSelector): JsonValue | undefined {
  const elements = Array.isArray(value) ? value : [value];
  const chosen = sel.filter ? elements.filter((el) => isObject(el) && matchesFilter(sel.filter!, el)) : elements;
  const subbed =
    sel.sub === undefined
      ? chosen
      : chosen.flatMap((el) => {
          const k = isObject(el) ? findKey(el, sel.sub!) : undefined;
          return k === undefined ? [] : [{ [k]: (el as JsonObject)[k]! }];
        });
  if (Array.isArray(value)) return subbed.length > 0 ? subbed : undefined;
  return subbed[0];
}

/** Combines two selections of one attribute (`emails.value,emails.type`): element-wise for arrays. */
function combine(a: JsonValue | undefined, b: JsonValue): JsonValue {
  if (a === undefined) return b;
  if (isObject(a) && isObject(b)) return { ...a, ...b };
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every(isObject) && b.every(isObject)) {
    return a.map((x, i) => ({ ...(x as JsonObject), ...(b[i] as JsonObject) }));
  }
  return b;
}

function include(resource: JsonObject, selectors: AttributeSelector[]): JsonObject {
  const out: JsonObject = {};
  for (const name of ALWAYS) {
    const k = findKey(resource, name);
    if (k !== undefined) out[k] = resource[k]!;
  }
  for (const sel of selectors) {
    const from = holderOf(resource, sel.extension);
    if (!from) continue;
    if (sel.attr === undefined) {
      out[sel.extension!] = cloneJson(from);
      continue;
    }
    const key = findKey(from, sel.attr);
    if (key === undefined) continue;
    const picked = pick(from[key]!, sel);
    if (picked === undefined) continue;
    let into = out;
    if (sel.extension !== undefined) {
      const existing = out[sel.extension];
      into = isObject(existing) ? existing : (out[sel.extension] = {});
    }
    into[key] = cloneJson(combine(into[key], picked));
  }
  return out;
}

function exclude(resource: JsonObject, selectors: AttributeSelector[]): JsonObject {
  const out = cloneJson(resource);
  for (const sel of selectors) {
    if (sel.extension === undefined && sel.attr !== undefined && ALWAYS.includes(sel.attr.toLowerCase())) continue;
    if (sel.attr === undefined) {
      const k = findKey(out, sel.extension!);
      if (k !== undefined) delete out[k];
      continue;
    }
    const from = holderOf(out, sel.extension);
    const key = from && findKey(from, sel.attr);
    if (!from || key === undefined) continue;
    if (sel.sub === undefined && sel.filter === undefined) {
      delete from[key];
      continue;
    }
    const value = from[key]!;
    const elements = Array.isArray(value) ? value : [value];
    const kept = elements.filter((el) => {
      if (!isObject(el) || (sel.filter && !matchesFilter(sel.filter, el))) return true;
      if (sel.sub === undefined) return false;
      const sk = findKey(el, sel.sub);
      if (sk !== undefined) delete el[sk];
      return Object.keys(el).length > 0;
    });
    if (kept.length === 0) delete from[key];
    else from[key] = Array.isArray(value) ? kept : kept[0]!;
  }
  return out;
}

export type Projection = (resource: JsonObject) => JsonObject;

/**
 * Parses the parameters once (throwing invalidValue for a malformed entry) and returns a
 * function that shows each resource as the client asked. With neither parameter resources are
 * returned unchanged; unknown names select nothing rather than failing, as RFC 7644 allows.
 */
export function compileProjection(
  params: { attributes?: string | undefined; excludedAttributes?: string | undefined },
  def: ResourceDef,
): Projection {
  const inc = parseAttributeList(params.attributes, def);
  const exc = parseAttributeList(params.excludedAttributes, def);
  if (inc.length === 0 && exc.length === 0) return (r) => r;
  return (r) => {
    const out = inc.length > 0 ? include(r, inc) : r;
    return exc.length > 0 ? exclude(out, exc) : out;
  };
}

export function projectResource(
  resource: JsonObject,
  params: { attributes?: string | undefined; excludedAttributes?: string | undefined },
  def: ResourceDef,
): JsonObject {
  return compileProjection(params, def)(resource);
}

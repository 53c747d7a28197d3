/**
 * Attribute paths (RFC 7644 §3.10): `[URN ":"] attr ["." subAttr]`, and their resolution
 * against the schema definitions. Names are matched case-insensitively and reported in their
 * canonical case, so the rest of the plugin never compares names by hand.
 */
import {
  ALL_SCHEMAS,
  COMMON_ATTRIBUTES,
  GROUP_SCHEMA_ID,
  USER_SCHEMA_ID,
  type AttributeDef,
  type ResourceDef,
  type SchemaDef,
} from './schema-defs.js';

/** A path as the client wrote it (case kept). `uri` is set only for extension schemas. */
export interface AttrPath {
  uri?: string;
  attr: string;
  sub?: string;
}

const NAME = /^[A-Za-z$_][\w$-]*$/;
const CORE_URNS = [USER_SCHEMA_ID, GROUP_SCHEMA_ID].map((u) => u.toLowerCase());
const KNOWN_URNS = ALL_SCHEMAS.map((s) => s.id);

/** Splits a `urn:…:Schema:attr.sub` string at the schema boundary, preferring known schema ids. */
function splitUrn(text: string): { uri: string; rest: string } | undefined {
  const lower = text.toLowerCase();
  const known = KNOWN_URNS.find((u) => lower.startsWith(u.toLowerCase() + ':'));
  if (known) return { uri: text.slice(0, known.length), rest: text.slice(known.length + 1) };
  // An unknown schema: the attribute is what follows the last colon (attribute names have none).
  const i = text.lastIndexOf(':');
  if (i <= 4) return undefined;
  return { uri: text.slice(0, i), rest: text.slice(i + 1) };
}

export function parseAttrPath(text: string): AttrPath | undefined {
  let uri: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const split = splitUrn(text);
    if (!split) return undefined;
    if (!CORE_URNS.includes(split.uri.toLowerCase())) uri = split.uri;
    rest = split.rest;
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) return undefined;
  const path: AttrPath = { attr: parts[0]! };
  if (uri !== undefined) path.uri = uri;
  if (parts[1] !== undefined) path.sub = parts[1];
  return path;
}

/** The lower-case key a column map is indexed by: `name.familyname`, `urn:…:user:department`. */
export function attrPathKey(p: AttrPath): string {
  return `${p.uri ? p.uri + ':' : ''}${p.attr}${p.sub ? '.' + p.sub : ''}`.toLowerCase();
}

export function formatAttrPath(p: AttrPath): string {
  return `${p.uri ? p.uri + ':' : ''}${p.attr}${p.sub ? '.' + p.sub : ''}`;
}

/** A path resolved against a resource: canonical definitions, and where the value lives. */
export interface ResolvedAttr {
  /** Set for extension attributes: the canonical schema id, which is also the key in the resource JSON. */
  extension?: string;
  def: AttributeDef;
  sub?: AttributeDef;
}

export function findByName(defs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return defs?.find((d) => d.name.toLowerCase() === lower);
}

export function findExtension(resource: ResourceDef, uri: string): SchemaDef | undefined {
  const lower = uri.toLowerCase();
  return resource.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

export function resolveAttr(resource: ResourceDef, path: AttrPath): ResolvedAttr | undefined {
  let def: AttributeDef | undefined;
  let extension: string | undefined;
  if (path.uri) {
    const schema = findExtension(resource, path.uri);
    if (!schema) return undefined;
    extension = schema.id;
    def = findByName(schema.attributes, path.attr);
  } else {
    def = findByName(resource.schema.attributes, path.attr) ?? findByName(COMMON_ATTRIBUTES, path.attr);
  }
  if (!def) return undefined;
  const resolved: ResolvedAttr = { def };
  if (extension) resolved.extension = extension;
  if (path.sub !== undefined) {
    const sub = findByName(def.subAttributes, path.sub);
    if (!sub) return undefined;
    resolved.sub = sub;
  }
  return resolved;
}

/** All schema ids a resource's body may name in `schemas`. */
export function resourceSchemaIds(resource: ResourceDef): string[] {
  return [resource.schema.id, ...resource.extensions.map((e) => e.schema.id)];
}

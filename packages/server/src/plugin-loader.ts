import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RosterError } from '@roster/core';
import type { RosterPlugin } from '@roster/plugin-sdk';
import { bootError } from './errors.js';

/** How the composition root makes a first-party plugin it knows by name. */
export type PluginFactory = () => RosterPlugin<unknown>;

/** The enabled plugins, their raw options by plugin name (for `parseOptions`), and where each came from. */
export interface PluginSet {
  plugins: RosterPlugin<unknown>[];
  options: Record<string, unknown>;
  /** By plugin name: `first-party`, the package name, or the file's absolute path. */
  sources: Record<string, string>;
  /** The configuration file read, if any. */
  configFile: string | null;
  /** `ROSTER_PLUGIN_*` variables that name no enabled plugin (a typo, or a plugin left off): worth a warning. */
  unusedVariables: string[];
  /**
   * By plugin name, the file of its admin console module (`"roster": { "console": "./console/index.tsx" }`
   * in its package.json): what the console's build composes. Plugins without one are absent.
   */
  consoleEntries: Record<string, string>;
}

export interface LoadPluginsOptions {
  /** Where `ROSTER_PLUGINS`, `ROSTER_CONFIG` and `ROSTER_PLUGIN_<NAME>_<OPTION>` are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where `roster.config.*` is looked for, and what relative paths and package names in `ROSTER_PLUGINS` are resolved from. */
  cwd?: string;
  /** Plugins known by a short name (the CLI's first-party set). */
  firstParty?: Record<string, PluginFactory>;
  /** The package folder of each first-party plugin, by the same names: where its console module is declared. */
  firstPartyDirs?: Record<string, string>;
  /** The list when neither `ROSTER_PLUGINS` nor the configuration file chose one. */
  defaults?: string[];
  /** Added to the defaults (never to a chosen list): the demo's plugins. */
  extra?: string[];
  /** Options set in code or by dedicated variables (`ROSTER_GOOGLE_CLIENT_ID` → `oidc`), by plugin name: they win over the rest. */
  options?: Record<string, unknown>;
}

/** One plugin to load: what was written, its options from the configuration file, and what it is resolved from. */
interface Entry {
  spec: string;
  fileOptions: Record<string, unknown>;
  base: string;
  origin: string;
}

export const CONFIG_FILES = ['roster.config.js', 'roster.config.mjs', 'roster.config.json'];

/**
 * Loads the plugins a deployment enables. Which plugins: `ROSTER_PLUGINS` when set, else the
 * configuration file's `plugins`, else the defaults. Each entry is a first-party name, a package
 * name (resolved from node_modules above the cwd, or above the configuration file for its
 * entries) or a path (relative to the same place); a module's default export is a plugin, or a
 * function called with no arguments that returns one. Options reach a plugin only through its
 * `parseOptions`: the configuration file's, overridden key by key by `ROSTER_PLUGIN_<NAME>_<OPTION>`
 * variables, overridden by `options`. Any failure stops boot with a code of the server's catalogue.
 */
export async function loadPluginSet(opts: LoadPluginsOptions = {}): Promise<PluginSet> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const firstParty = opts.firstParty ?? {};
  const config = await readConfigFile(env, cwd);
  const fromEnv = env.ROSTER_PLUGINS !== undefined ? pluginList(env.ROSTER_PLUGINS) : null;
  let entries: Entry[];
  if (fromEnv) {
    // The file's options still apply to an entry ROSTER_PLUGINS writes the same way.
    const fileOptions = new Map(config?.entries.map((e) => [e.spec, e.fileOptions]) ?? []);
    entries = fromEnv.map((spec) => ({ spec, fileOptions: fileOptions.get(spec) ?? {}, base: cwd, origin: 'ROSTER_PLUGINS' }));
  } else if (config?.entries.length || config?.listsPlugins) {
    entries = config.entries;
  } else {
    const defaults = opts.defaults ?? [];
    entries = [...defaults, ...(opts.extra ?? []).filter((n) => !defaults.includes(n))].map((spec) => ({
      spec,
      fileOptions: {},
      base: cwd,
      origin: 'the default plugins',
    }));
  }

  const plugins: RosterPlugin<unknown>[] = [];
  const sources: Record<string, string> = {};
  const consoleEntries: Record<string, string> = {};
  const fileOptions: Record<string, Record<string, unknown>> = {};
  for (const entry of entries) {
    const { plugin, source, dir } = await loadOne(entry, firstParty, opts.firstPartyDirs ?? {});
    if (sources[plugin.name] !== undefined)
      throw new RosterError(
        'PLUGIN_DUPLICATE',
        `Plugin "${plugin.name}" is enabled twice (from ${sources[plugin.name]} and from ${source}): list it once.`,
        { plugin: plugin.name },
        500,
      );
    plugins.push(plugin);
    sources[plugin.name] = source;
    const consoleEntry = dir ? consoleEntryOf(dir) : null;
    if (consoleEntry) consoleEntries[plugin.name] = consoleEntry;
    fileOptions[plugin.name] = entry.fileOptions;
  }

  const { byPlugin, unused } = optionsFromEnv(
    env,
    plugins.map((p) => p.name),
  );
  const options: Record<string, unknown> = {};
  for (const p of plugins) {
    const merged = mergeOptions(mergeOptions(fileOptions[p.name] ?? {}, byPlugin[p.name] ?? {}), opts.options?.[p.name]);
    if (merged !== undefined && !(isPlainObject(merged) && Object.keys(merged).length === 0)) options[p.name] = merged;
  }
  return { plugins, options, sources, configFile: config?.file ?? null, unusedVariables: unused, consoleEntries };
}

/** The console module a package declares (`roster.console`, relative to its folder), or null. */
function consoleEntryOf(dir: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { roster?: { console?: unknown } };
    if (typeof pkg.roster?.console !== 'string') return null;
    // By its real path (a linked package): the bundler then finds one copy of what it imports.
    const file = resolve(dir, pkg.roster.console);
    return existsSync(file) ? realpathSync(file) : file;
  } catch {
    return null;
  }
}

/** `ROSTER_PLUGINS`: comma-separated, blanks ignored. */
export function pluginList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// The configuration file

interface ConfigFile {
  file: string;
  entries: Entry[];
  /** `plugins: []` chooses no plugin at all, which is not the same as leaving the list out. */
  listsPlugins: boolean;
}

async function readConfigFile(env: NodeJS.ProcessEnv, cwd: string): Promise<ConfigFile | null> {
  let file: string | undefined;
  if (env.ROSTER_CONFIG) {
    file = resolve(cwd, env.ROSTER_CONFIG);
    if (!existsSync(file))
      throw bootError(
        'PLUGIN_CONFIG_INVALID',
        `ROSTER_CONFIG names "${env.ROSTER_CONFIG}", and there is no file ${file}: fix the path or unset it.`,
      );
  } else {
    file = CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
    if (!file) return null;
  }
  const invalid = (why: string) =>
    bootError(
      'PLUGIN_CONFIG_INVALID',
      `${file} ${why}. It should be ${file.endsWith('.json') ? '{ "plugins": ["scim", ["@acme/roster-x", { "option": 1 }]] }' : "export default { plugins: ['scim', ['@acme/roster-x', { option: 1 }]] }"}.`,
      { file },
    );
  let raw: unknown;
  try {
    raw = file.endsWith('.json')
      ? JSON.parse(readFileSync(file, 'utf8'))
      : ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (e) {
    throw invalid(`cannot be read: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw)) throw invalid('does not hold (or default-export) an object');
  const unknownKeys = Object.keys(raw).filter((k) => k !== 'plugins');
  if (unknownKeys.length) throw invalid(`has unknown keys (${unknownKeys.join(', ')}); only "plugins" is read`);
  const list = raw.plugins ?? [];
  if (!Array.isArray(list)) throw invalid('has "plugins" that is not a list');
  const base = dirname(file);
  const entries = list.map((item: unknown, i): Entry => {
    if (typeof item === 'string' && item.trim()) return { spec: item.trim(), fileOptions: {}, base, origin: file };
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && item[0].trim() && isPlainObject(item[1]))
      return { spec: item[0].trim(), fileOptions: item[1], base, origin: file };
    throw invalid(`has plugins[${i}] that is neither a name nor a [name, options object] pair`);
  });
  return { file, entries, listsPlugins: raw.plugins !== undefined };
}

// ---------------------------------------------------------------------------------------------
// Resolving and importing one plugin

/** `dir`: the package folder the plugin came from (its console module is declared there), when there is one. */
async function loadOne(
  entry: Entry,
  firstParty: Record<string, PluginFactory>,
  firstPartyDirs: Record<string, string>,
): Promise<{ plugin: RosterPlugin<unknown>; source: string; dir: string | null }> {
  const where = `"${entry.spec}" (from ${entry.origin})`;
  const known = Object.keys(firstParty);
  const make = Object.hasOwn(firstParty, entry.spec) ? firstParty[entry.spec] : undefined;
  if (make) return { plugin: asPlugin(make(), where), source: 'first-party', dir: firstPartyDirs[entry.spec] ?? null };
  const { file, dir } = isPathSpec(entry.spec)
    ? resolvePath(entry.spec, entry.base, where)
    : resolvePackage(entry.spec, entry.base, where, known);
  let mod: { default?: unknown };
  try {
    // By its real path, as Node resolves a linked package (npm link, pnpm): its own imports are
    // then looked up beside its real folder.
    mod = (await import(pathToFileURL(realpathSync(file)).href)) as { default?: unknown };
  } catch (e) {
    throw bootError('PLUGIN_LOAD_FAILED', `Plugin ${where} could not be imported from ${file}: ${(e as Error).message}`, {
      spec: entry.spec,
    });
  }
  let exported = mod.default;
  if (typeof exported === 'function') {
    try {
      exported = (exported as () => unknown)();
    } catch (e) {
      throw bootError('PLUGIN_LOAD_FAILED', `Plugin ${where}: its factory (the default export) threw: ${(e as Error).message}`, {
        spec: entry.spec,
      });
    }
  }
  return { plugin: asPlugin(exported, where), source: isPathSpec(entry.spec) ? file : entry.spec, dir };
}

/** `./x`, `../x`, `/abs/x`, `C:\x`, `file:///x`: a path; anything else is a package name. */
function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('file:') || isAbsolute(spec);
}

/** A folder is a package (its folder is `dir`); a single file has no package.json of its own to declare a console module. */
function resolvePath(spec: string, base: string, where: string): { file: string; dir: string | null } {
  const path = spec.startsWith('file:') ? new URL(spec).pathname : resolve(base, spec);
  if (!existsSync(path))
    throw bootError('PLUGIN_NOT_FOUND', `Plugin ${where}: there is no file ${path}. Fix the path (relative paths start from ${base}).`);
  if (statSync(path).isDirectory()) return { file: packageEntry(path, '.', where), dir: path };
  return { file: path, dir: null };
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/.+)?$/i;

/** Node's lookup of a bare specifier: `node_modules/<name>` in `base` and every folder above it. */
function resolvePackage(spec: string, base: string, where: string, known: string[]): { file: string; dir: string } {
  const firstParty = known.length ? `first-party plugins: ${known.join(', ')}` : 'no first-party plugins here';
  if (!PACKAGE_NAME.test(spec))
    throw bootError('PLUGIN_NOT_FOUND', `Plugin ${where} is not a known name (${firstParty}), a package name or a path (./…).`, { spec });
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = `.${spec.slice(name.length)}`;
  const found = findPackageDir(name, base);
  if (found) return { file: packageEntry(found, subpath, where), dir: found };
  throw bootError(
    'PLUGIN_NOT_FOUND',
    `Plugin ${where} is not one of the ${firstParty}, and no package "${name}" is installed in node_modules of ${resolve(base)} or above: install it there (npm install ${name}), or give a path (./…).`,
    { spec },
  );
}

/** Node's lookup of a package's folder: `node_modules/<name>` in `base` and every folder above it; null when none. */
export function findPackageDir(name: string, base: string): string | null {
  for (let dir = resolve(base); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The file a package exports at `subpath` for `import` (conditions import, node, default), else its main / index.js. */
function packageEntry(dir: string, subpath: string, where: string): string {
  let pkg: { exports?: unknown; main?: unknown };
  try {
    pkg = existsSync(join(dir, 'package.json')) ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg) : {};
  } catch (e) {
    throw bootError('PLUGIN_LOAD_FAILED', `Plugin ${where}: ${join(dir, 'package.json')} is not valid JSON: ${(e as Error).message}`);
  }
  let target: string | null;
  if (pkg.exports !== undefined) {
    const exportsMap = pkg.exports;
    const bySubpath =
      typeof exportsMap === 'string' ||
      Array.isArray(exportsMap) ||
      (isPlainObject(exportsMap) && !Object.keys(exportsMap).some((k) => k.startsWith('.')))
        ? subpath === '.'
          ? exportsMap
          : undefined
        : (exportsMap as Record<string, unknown>)[subpath];
    target = pickCondition(bySubpath);
    if (!target) throw bootError('PLUGIN_NOT_FOUND', `Plugin ${where}: the package in ${dir} exports nothing at "${subpath}" for import.`);
  } else if (subpath !== '.') {
    target = subpath;
  } else {
    target = typeof pkg.main === 'string' ? pkg.main : 'index.js';
  }
  const file = resolve(dir, target);
  if (!existsSync(file))
    throw bootError(
      'PLUGIN_NOT_FOUND',
      `Plugin ${where}: ${file} (the entry of the package in ${dir}) does not exist. Is the package built?`,
    );
  return file;
}

function pickCondition(target: unknown): string | null {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = pickCondition(t);
      if (found) return found;
    }
    return null;
  }
  if (isPlainObject(target)) {
    for (const [condition, value] of Object.entries(target)) {
      if (condition === 'import' || condition === 'node' || condition === 'default') {
        const found = pickCondition(value);
        if (found) return found;
      }
    }
  }
  return null;
}

/** A plugin is an object with a `name` and a `version` (strings) and, when present, functions for `setup`, `close`, `parseOptions`. */
function asPlugin(value: unknown, where: string): RosterPlugin<unknown> {
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  const refuse = (why: string) =>
    bootError(
      'PLUGIN_NOT_A_PLUGIN',
      `Plugin ${where} does not export a plugin: ${why}. Its module must \`export default definePlugin({ name, version, … })\`, or a function with no arguments that returns one.`,
    );
  if (!isPlainObject(value)) throw refuse(`its default export is ${what === 'undefined' ? 'missing' : what}`);
  if (typeof value.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(value.name))
    throw refuse('its "name" is not a lower-case name (letters, digits, dashes)');
  if (typeof value.version !== 'string' || !value.version) throw refuse(`plugin "${value.name}" has no "version" string`);
  for (const fn of ['setup', 'close', 'parseOptions'])
    if (value[fn] !== undefined && typeof value[fn] !== 'function')
      throw refuse(`plugin "${value.name}" has a "${fn}" that is not a function`);
  return value as unknown as RosterPlugin<unknown>;
}

// ---------------------------------------------------------------------------------------------
// Options from the environment

/**
 * `ROSTER_PLUGIN_<NAME>_<OPTION>=value`. NAME is the plugin's name in capitals with `-` as `_`
 * (`email-link` → `EMAIL_LINK`); when two names fit, the longer wins. OPTION is camel-cased
 * (`SMTP_URL` → `smtpUrl`), and `__` goes one level down (`GOOGLE__CLIENT_ID` → `google.clientId`).
 * A value that is valid JSON is parsed (`5`, `true`, `["a"]`, `{"a":1}`, `"007"` as a string),
 * any other is taken as text.
 */
export function optionsFromEnv(
  env: NodeJS.ProcessEnv,
  names: string[],
): { byPlugin: Record<string, Record<string, unknown>>; unused: string[] } {
  const prefixes = names
    .map((name) => ({ name, prefix: `ROSTER_PLUGIN_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_` }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const byPlugin: Record<string, Record<string, unknown>> = {};
  const unused: string[] = [];
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith('ROSTER_PLUGIN_') || key === 'ROSTER_PLUGINS') continue;
    const value = env[key];
    if (value === undefined) continue;
    const match = prefixes.find((p) => key.startsWith(p.prefix) && key.length > p.prefix.length);
    if (!match) {
      unused.push(key);
      continue;
    }
    const path = key
      .slice(match.prefix.length)
      .split('__')
      .map((part) => part.toLowerCase().replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    let target = (byPlugin[match.name] ??= {});
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      target = (target[part] = isPlainObject(next) ? next : {}) as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = parseEnvValue(value);
  }
  return { byPlugin, unused };
}

function parseEnvValue(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Objects merge key by key (deeply); anything else in `over` replaces what is under it. */
export function mergeOptions(under: unknown, over: unknown): unknown {
  if (over === undefined) return under;
  if (isPlainObject(under) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...under };
    for (const [k, v] of Object.entries(over)) out[k] = mergeOptions(under[k], v);
    return out;
  }
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

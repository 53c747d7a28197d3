/**
 * #15.4: a plugin's SQL names its own tables and the read contract's views (`roster_api.*`,
 * core/0011), never the core's tables, which change with the core. This reads every plugin's
 * source, finds the tables its SQL names (`from`, `join`, `into`, `update`, `table`,
 * `references`) and fails on a core table — the list comes from the core's own migrations, so a
 * new core table is covered the day it is created.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Foreign keys a plugin table may declare (a view cannot be referenced): the keys of the rows a
 * plugin's rows belong to, so they go when their owner goes. They are part of the contract
 * (SDK README, "The read contract").
 */
const FOREIGN_KEYS = new Set(['team', 'membership', 'group', 'group_member']);

/**
 * Applied migrations are never edited (migrations are forward-only): what a shipped one did
 * stays, with the reason it is not a read.
 */
const SHIPPED: Record<string, string> = {
  'plugins/saml/src/migrations.ts:session':
    'saml/0002 moved SAML sessions into the core session table once, when sessions took SSO handles',
};

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(`${repo}${dir}`, { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The code without its comments (prose says "from the team" freely). */
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

const CREATE_TABLE = /create\s+table\s+(?:if\s+not\s+exists\s+)?"?([a-z_][a-z0-9_]*)"?/gi;
/**
 * A table named after an SQL keyword. `user` and `group` are reserved words, so SQL can only
 * name those tables quoted; unquoted they are prose ("from user input").
 */
const TABLE_REF = /\b(from|join|into|update|table|references)(?:\s*:\s*['`]|\s+)((?:"?[a-z_][a-z0-9_]*"?\.)?"?[a-z_][a-z0-9_]*"?)/gi;
const RESERVED = new Set(['user', 'group']);

async function coreTables(): Promise<Set<string>> {
  const dir = 'packages/core/src/migrations';
  const names = new Set<string>();
  for (const f of await readdir(`${repo}${dir}`)) {
    if (!f.endsWith('.ts')) continue;
    for (const m of (await readFile(`${repo}${dir}/${f}`, 'utf8')).matchAll(CREATE_TABLE)) names.add(m[1]!.toLowerCase());
  }
  return names;
}

interface Reference {
  file: string;
  keyword: string;
  table: string;
}

/** The core tables a plugin's source names, outside the foreign keys and shipped migrations above. */
async function coreTableReferences(pluginDir: string, core: Set<string>): Promise<Reference[]> {
  const files = await sourceFiles(`${pluginDir}/src`);
  const texts = await Promise.all(files.map(async (f) => ({ file: f, text: code(await readFile(`${repo}${f}`, 'utf8')) })));
  const own = new Set(texts.flatMap(({ text }) => [...text.matchAll(CREATE_TABLE)].map((m) => m[1]!.toLowerCase())));
  const found: Reference[] = [];
  for (const { file, text } of texts) {
    for (const m of text.matchAll(TABLE_REF)) {
      const keyword = m[1]!.toLowerCase();
      const raw = m[2]!;
      if (raw.includes('.')) continue; // schema-qualified: `roster_api.member` is the contract
      const quoted = raw.startsWith('"');
      const table = raw.replace(/"/g, '').toLowerCase();
      if (!core.has(table) || own.has(table)) continue;
      if (RESERVED.has(table) && !quoted) continue;
      if (keyword === 'references' && FOREIGN_KEYS.has(table)) continue;
      if (SHIPPED[`${file}:${table}`]) continue;
      found.push({ file, keyword, table });
    }
  }
  return found;
}

describe('#15.4: plugins read the core through the published views only', async () => {
  const core = await coreTables();
  const plugins = (await readdir(`${repo}plugins`, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => `plugins/${d.name}`);

  it('#15.4: the core table list comes from the core migrations', () => {
    expect([...core]).toEqual(expect.arrayContaining(['membership', 'user', 'group', 'group_member', 'license_type', 'event', 'session']));
  });

  it('#15.4: the scan finds a core table in plugin-shaped SQL (it can fail)', () => {
    const sample = code(`const q = 'select m.id from membership m join "user" u on u.id = m.user_id'; // from team
      const c = { from: 'group_member gf', where: 'gf.group_id = g.id' };`);
    const hits = [...sample.matchAll(TABLE_REF)].map((m) => m[2]!.replace(/"/g, ''));
    expect(hits).toEqual(['membership', 'user', 'group_member']);
  });

  it.each(plugins)('#15.4: %s names no core table in its SQL', async (dir) => {
    const refs = await coreTableReferences(dir, core);
    expect(refs.map((r) => `${r.file}: ${r.keyword} ${r.table}`)).toEqual([]);
  });
});

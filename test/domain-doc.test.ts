import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/domain.md defines the rules (R1, R2…) that code comments and test names cite. These
 * tests keep the two from drifting: every cited id is defined, every test file the page names
 * exists and cites the rule, and the public schema describes behaviour instead of citing ids.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/domain.md'), 'utf8');
const SKIP = new Set(['node_modules', 'dist', '.git', '.roster-data', 'coverage']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.(ts|mjs|md|graphql)$/.test(e.name) ? [path] : [];
  });
}

/** Rule ids a text cites, ranges ("R12–R14") expanded. */
function citedRules(text: string): number[] {
  const ids = new Set<number>();
  for (const m of text.matchAll(/\bR(\d{1,2})(?:\s*[–-]\s*R(\d{1,2}))?\b/g)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    for (let n = from; n <= to; n++) ids.add(n);
  }
  return [...ids];
}

const defined = new Set([...DOC.matchAll(/^### R(\d+) — /gm)].map((m) => Number(m[1])));
const SOURCES = ['packages', 'plugins', 'test', 'bench', 'docs', 'README.md'].flatMap((p) => {
  const path = join(ROOT, p);
  return !existsSync(path) ? [] : p.endsWith('.md') ? [path] : files(path);
});

describe('docs/domain.md', () => {
  it('#14: defines every rule id cited in code, tests and docs', () => {
    expect(defined.size).toBeGreaterThanOrEqual(19);
    const undefinedCitations = SOURCES.flatMap((file) =>
      citedRules(readFileSync(file, 'utf8'))
        .filter((n) => !defined.has(n))
        .map((n) => `${relative(ROOT, file)}: R${n}`),
    );
    expect(undefinedCitations).toEqual([]);
  });

  it('#14: every test file a rule lists exists and cites that rule', () => {
    const problems: string[] = [];
    for (const section of DOC.split(/^(?=### )/m)) {
      const id = /^### R(\d+) — /.exec(section)?.[1];
      if (!id) continue;
      const proof = /\*Proved by:\*([\s\S]*?)(?:\n\n|$)/.exec(section)?.[1] ?? '';
      const listed = [...proof.matchAll(/`([^`]+\.test\.ts)`/g)].map((m) => m[1]!);
      if (listed.length === 0) problems.push(`R${id}: no test listed`);
      for (const file of listed) {
        const path = join(ROOT, file);
        if (!existsSync(path)) problems.push(`R${id}: ${file} does not exist`);
        else if (!citedRules(readFileSync(path, 'utf8')).includes(Number(id))) problems.push(`R${id}: ${file} does not cite it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('#14: the public GraphQL schema describes behaviour instead of citing rule ids', () => {
    const schema = readFileSync(join(ROOT, 'schema/schema.graphql'), 'utf8');
    expect(schema.split('\n').filter((line) => citedRules(line).length > 0)).toEqual([]);
  });
});

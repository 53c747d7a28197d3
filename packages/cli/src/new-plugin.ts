import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_VERSION } from '@roster/server';

/** The template kept in the repository (`packages/cli/template/plugin`), one level above `src/` and `dist/` alike. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../template/plugin/', import.meta.url));

/** A plugin name is its route prefix and its env-variable name: lower case, digits, dashes. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * `roster new-plugin NAME [--dir D]`: writes a plugin package from the template, every `*.tmpl`
 * file with its placeholders filled (`__NAME__` hello-world, `__CAMEL__` helloWorld, `__PASCAL__`
 * HelloWorld, `__SNAKE__` hello_world, `__ENV__` HELLO_WORLD, versions). Refuses a folder that
 * is not empty.
 */
export async function newPlugin(name: string, dir: string): Promise<{ dir: string; files: string[] }> {
  if (!NAME.test(name))
    throw new Error(
      `"${name}" is not a plugin name: lower-case letters, digits and single dashes, starting with a letter (e.g. hello-world).`,
    );
  const target = resolve(dir);
  if (existsSync(target) && (await readdir(target)).length) throw new Error(`${target} is not empty: choose another --dir.`);
  const words = name.split('-');
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const values: Record<string, string> = {
    __NAME__: name,
    __CAMEL__: pascal[0]!.toLowerCase() + pascal.slice(1),
    __PASCAL__: pascal,
    __SNAKE__: words.join('_'),
    __ENV__: words.join('_').toUpperCase(),
    __SERVER_VERSION__: SERVER_VERSION,
    // The SDK is versioned and released with the server.
    __SDK_VERSION__: SERVER_VERSION,
  };
  const files: string[] = [];
  for (const source of await listFiles(TEMPLATE_DIR)) {
    if (!source.endsWith('.tmpl')) continue;
    const rel = relative(TEMPLATE_DIR, source)
      .slice(0, -'.tmpl'.length)
      .replace(/(^|[/\\])gitignore$/, '$1.gitignore');
    let text = await readFile(source, 'utf8');
    for (const [key, value] of Object.entries(values)) text = text.split(key).join(value);
    await mkdir(dirname(join(target, rel)), { recursive: true });
    await writeFile(join(target, rel), text);
    files.push(rel);
  }
  return { dir: target, files: files.sort() };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

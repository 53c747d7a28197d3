import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_FACTORIES } from '@roster/cli';
import { printSchemaOf } from '@roster/server';
import { startTestRoster, type TestRoster } from '@roster/server/testing';

const FILE = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));

let t: TestRoster;
beforeAll(async () => {
  t = await startTestRoster({
    plugins: Object.values(PLUGIN_FACTORIES).map((make) => make()),
    // email-link will not start without an SMTP server; none is reached while the schema is printed.
    pluginOptions: { 'email-link': { smtpUrl: 'smtp://127.0.0.1:1' } },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('GraphQL schema', () => {
  it('matches the committed schema/schema.graphql (run `pnpm run schema` after changing the API)', async () => {
    const sdl = `# Generated from the code by \`pnpm run schema\` (core + every first-party plugin). Do not edit.\n\n${printSchemaOf(t.roster.schema)}\n`;
    if (process.env.UPDATE_SCHEMA === '1') await writeFile(FILE, sdl);
    const committed = await readFile(FILE, 'utf8').catch(() => '');
    expect(committed).toBe(sdl);
  });
});

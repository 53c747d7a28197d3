#!/usr/bin/env node
// The `roster` command. A committed shim rather than dist/cli.js itself, so that installing the
// workspace links a file that exists before the first build.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('roster: roster is not built yet; run `pnpm build` (or `npm start`) first.');
  process.exit(1);
}
await import(cli.href);

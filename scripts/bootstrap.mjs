// Makes a fresh clone runnable with Node 20 and npm only: installs pnpm (pinned) and the
// workspace dependencies when they are missing or the lockfile changed.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const PNPM = '10.34.9';
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const has = (cmd) => {
  try {
    return execSync(cmd, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Roster needs Node >= 20.19 (this is ${process.versions.node}).`);
  process.exit(1);
}
if (has('pnpm --version') !== PNPM) {
  console.log(`Installing pnpm ${PNPM}…`);
  run(`npm install -g pnpm@${PNPM}`);
}
const marker = 'node_modules/.modules.yaml';
if (!existsSync(marker) || statSync('pnpm-lock.yaml').mtimeMs > statSync(marker).mtimeMs) {
  run('pnpm install --frozen-lockfile');
}

// A throwaway PostgreSQL server for tests, from Debian's binaries: initdb in a temp folder,
// trust auth, loopback only, a free port. initdb refuses root, so as root it runs as `postgres`.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';

export function pgAvailable() {
  return existsSync(join(BIN, 'initdb'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'roster-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const sh = (bin, args) => {
    const cmd = asRoot ? 'runuser' : join(BIN, bin);
    const full = asRoot ? ['-u', 'postgres', '--', join(BIN, bin), ...args] : args;
    execFileSync(cmd, full, { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  // Asynchronous: a caller restarting the server under load (bench/soak.mjs) keeps its event loop.
  const shAsync = (bin, args) =>
    new Promise((resolve, reject) => {
      const cmd = asRoot ? 'runuser' : join(BIN, bin);
      const full = asRoot ? ['-u', 'postgres', '--', join(BIN, bin), ...args] : args;
      execFile(cmd, full, (err, _stdout, stderr) => (err ? reject(new Error(`${bin} failed: ${stderr || err.message}`)) : resolve()));
    });
  sh('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  sh('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    /** Fast restart on the same data folder and port (open sessions are ended); resolves once it accepts connections again. */
    restart() {
      return shAsync('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-l', join(dir, 'log'), 'restart']);
    },
    stop() {
      try {
        sh('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// Roster nodes for the soak (bench/soak.mjs): each one is `node packages/cli/dist/cli.js serve`
// in its own process, as deployed, so that one can be killed with SIGKILL and started again on the
// same port. Their output goes to a log file each (the soak quotes logged errors in its report).
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/cli.js', import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Runs one CLI command (`migrate`, `create-team`, `create-admin`) to completion; resolves its stdout. */
export function rosterCli(args, env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`roster ${args[0]} failed: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A node: `start()` spawns it and resolves once `/readyz` answers 200 (bounded); `kill()` is
 * SIGKILL (nothing drains); `stop()` is SIGTERM with a bounded wait. `url` stays the same across
 * restarts (same port), as behind a load balancer.
 */
export function rosterNode({ name, port, env, logFile }) {
  let proc = null;
  let exited = null;
  const node = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    /** Spawns the process; resolves { spawnedAt, readyMs } once it is ready (or throws after `readyTimeoutMs`). */
    async start({ readyTimeoutMs = 60_000, waitReady = true } = {}) {
      const fd = openSync(logFile, 'a');
      proc = spawn(process.execPath, [CLI, 'serve'], {
        env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      const p = proc;
      exited = new Promise((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
      const spawnedAt = performance.now();
      if (!waitReady) return { spawnedAt, readyMs: null };
      const deadline = spawnedAt + readyTimeoutMs;
      while (performance.now() < deadline) {
        if (p.exitCode !== null || p.signalCode !== null) throw new Error(`node ${name} exited during start (see ${logFile})`);
        try {
          const r = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(2000) });
          if (r.status === 200) return { spawnedAt, readyMs: performance.now() - spawnedAt };
        } catch {
          /* not listening yet */
        }
        await sleep(50);
      }
      throw new Error(`node ${name} not ready after ${readyTimeoutMs} ms (see ${logFile})`);
    },
    get running() {
      return proc !== null && proc.exitCode === null && proc.signalCode === null;
    },
    async kill() {
      if (!node.running) return;
      proc.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 15_000) {
      if (!node.running) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(t);
    },
    /** For process.on('exit'): synchronous. */
    killNow() {
      if (node.running) proc.kill('SIGKILL');
    },
    /** Distinct error lines the node logged (pino level ≥ 50), with how often each appeared. */
    loggedErrors() {
      const seen = new Map();
      let text;
      try {
        text = readFileSync(logFile, 'utf8');
      } catch {
        return [];
      }
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (entry.level < 50) continue;
        const key = `${entry.msg}: ${entry.err?.type ?? ''} ${(entry.err?.message ?? '').slice(0, 160)}`.trim();
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      return [...seen].map(([message, count]) => ({ node: name, message, count }));
    },
  };
  return node;
}

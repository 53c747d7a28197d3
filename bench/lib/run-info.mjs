// What every results file records about the run: when, on what machine, at which commit.
import { execSync } from 'node:child_process';
import os from 'node:os';

function git(cmd, cwd) {
  try {
    return execSync(cmd, { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** `loadBefore`: os.loadavg() taken before the run, so a busy machine shows in the results. */
export function runInfo(loadBefore, cwd) {
  return {
    date: new Date().toISOString(),
    machine: {
      nproc: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? null,
      memGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadavgBefore: loadBefore,
      loadavgAfter: os.loadavg(),
    },
    git: { commit: git('git rev-parse --short HEAD', cwd), dirty: Boolean(git('git status --porcelain', cwd)) },
  };
}

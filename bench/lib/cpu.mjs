// CPU time spent per side, so that a run on a shared machine still says where the time goes:
// - node: this process (the servers under test; the load generator is a child process);
// - postgres: the server's processes, read from /proc (Linux, local server only), i.e. the
//   postmaster's children alive now plus those already reaped (cutime/cstime).
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticks = 100;
try {
  ticks =
    Number(
      execSync('getconf CLK_TCK', { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    ) || 100;
} catch {
  /* default */
}

function stat(pid) {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
  } catch {
    return null;
  }
}

/** Finds the postmaster from one of our backends; null when the server is not local. */
export async function postgresCpuMeter(pool) {
  try {
    const {
      rows: [{ pid }],
    } = await pool.query('select pg_backend_pid() as pid');
    const backend = stat(pid);
    const master = backend && stat(backend.ppid);
    if (!master) return null;
    const postmaster = backend.ppid;
    return () => {
      const m = stat(postmaster);
      if (!m) return null;
      let t = m.utime + m.stime + m.cutime + m.cstime;
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        const s = stat(d);
        if (s && s.ppid === postmaster) t += s.utime + s.stime;
      }
      return (t / ticks) * 1000; // ms
    };
  } catch {
    return null;
  }
}

export function nodeCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Progress of a cycle: a redrawn bar on a terminal, one plain line per phase otherwise (logs, CI, pipes). */

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  phase(name: string, total: number): void;
  tick(): void;
  /** Ends the current phase with what it did. */
  done(note?: string): void;
}

const WIDTH = 24;

export function progress(out: Output): Progress {
  let name = '';
  let total = 0;
  let count = 0;
  let drawn = 0;
  const bar = () => {
    const filled = total ? Math.round((count / total) * WIDTH) : WIDTH;
    return `\r\x1b[2K  ${name.padEnd(16)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${count}/${total}`;
  };
  return {
    phase(n, t) {
      name = n;
      total = t;
      count = 0;
      drawn = 0;
      if (out.isTTY) out.write(bar());
    },
    tick() {
      count++;
      // Redraw at most ~100 times a phase: a terminal drawing every request slows the run down.
      if (out.isTTY && (count === total || count - drawn >= Math.max(1, total / 100))) {
        drawn = count;
        out.write(bar());
      }
    },
    done(note) {
      const line = `  ${name.padEnd(16)} ${count}/${total}${note ? `  ${note}` : ''}`;
      out.write(out.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}

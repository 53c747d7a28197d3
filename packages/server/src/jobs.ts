import type { FastifyBaseLogger } from 'fastify';

export interface Jobs {
  /** Runs `task` every `intervalMs` on this node, never two runs at once, without keeping the process alive. */
  every(name: string, intervalMs: number, task: () => Promise<unknown>): void;
  /** Stops every job and waits for the runs in flight (before the database closes). */
  stop(): Promise<void>;
}

/** Periodic jobs of the core and of plugins: no overlap, unref'd, awaited at shutdown. */
export function createJobs(log: FastifyBaseLogger): Jobs {
  const jobs: Array<{ timer: NodeJS.Timeout; running: Promise<unknown> | null }> = [];
  return {
    every(name, intervalMs, task) {
      const job: { timer: NodeJS.Timeout; running: Promise<unknown> | null } = {
        timer: setInterval(() => {
          if (job.running) return;
          job.running = task()
            .catch((e: unknown) => log.warn({ err: e, job: name }, 'periodic job failed'))
            .finally(() => {
              job.running = null;
            });
        }, intervalMs),
        running: null,
      };
      job.timer.unref();
      jobs.push(job);
    },
    async stop() {
      for (const job of jobs) clearInterval(job.timer);
      await Promise.allSettled(jobs.flatMap((j) => (j.running ? [j.running] : [])));
    },
  };
}

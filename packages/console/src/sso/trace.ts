/**
 * A sign-in attempt as the steps a person can follow. The plugins record only the step that
 * refused (a stable code, R19) or `done`; every step before it passed, the ones after it were
 * never reached. Each protocol lists its own steps (`SsoProtocol.traceSteps`); the team's policy
 * and the session are every protocol's last two.
 */
import type { SsoProtocol, TraceStep } from '@roster/console-sdk';

const POLICY: TraceStep = { label: 'Team policy: the member is found, active and may use SSO', codes: ['policy'] };
const SESSION: TraceStep = { label: 'Signed in: session started', codes: [] };

export type StepState = 'passed' | 'failed' | 'skipped';

export function traceSteps(
  protocol: SsoProtocol,
  attempt: { outcome: string; step?: string | null },
): Array<{ label: string; state: StepState }> {
  const steps = [...protocol.traceSteps, POLICY, SESSION];
  if (attempt.outcome === 'success') return steps.map((s) => ({ label: s.label, state: 'passed' }));
  // An unknown code (a newer plugin) fails the first step rather than claiming checks passed.
  const failed = Math.max(
    0,
    steps.findIndex((s) => s.codes.includes(attempt.step ?? '')),
  );
  return steps.map((s, i) => ({ label: s.label, state: i < failed ? 'passed' : i === failed ? 'failed' : 'skipped' }));
}

/**
 * A sign-in attempt as the steps a person can follow. The plugins record only the step that
 * refused (a stable code, R19) or `done`; every step before it passed, the ones after it were
 * never reached.
 */
import type { Protocol } from './presets.ts';

interface Step {
  label: string;
  /** The plugins' step codes that belong to this step. */
  codes: string[];
}

const POLICY: Step = { label: 'Team policy: the member is found, active and may use SSO', codes: ['policy'] };
const SESSION: Step = { label: 'Signed in: session started', codes: [] };

const STEPS: Record<Protocol, Step[]> = {
  saml: [
    { label: 'Response received from the IdP', codes: ['connection', 'request', 'config', 'xml', 'status'] },
    { label: 'Signature checked against a trusted certificate', codes: ['signature', 'decryption', 'assertion'] },
    {
      label: 'Issuer, audience, destination, time and replay checked',
      codes: ['issuer', 'destination', 'recipient', 'audience', 'time', 'in_response_to', 'replay'],
    },
    { label: 'Identity read: NameID, email, names, groups', codes: ['subject', 'attributes'] },
    POLICY,
    SESSION,
  ],
  oidc: [
    {
      label: 'Back from the provider with a code',
      codes: ['connection', 'request', 'configuration', 'discovery', 'state', 'authorization'],
    },
    { label: 'Code exchanged for tokens', codes: ['token'] },
    {
      label: 'ID token verified: signature, issuer, audience, nonce, time',
      codes: ['id_token', 'issuer', 'audience', 'nonce', 'signature', 'expired', 'issued_at'],
    },
    { label: 'Identity read: claims, tenant, hosted domain', codes: ['tenant', 'hd', 'userinfo', 'claims'] },
    POLICY,
    SESSION,
  ],
  wsfed: [
    { label: 'Token received from the IdP', codes: ['connection', 'request', 'state', 'xml', 'token'] },
    { label: 'Signature checked against a trusted certificate', codes: ['signature'] },
    { label: 'Issuer, audience, time and replay checked', codes: ['issuer', 'audience', 'time', 'replay'] },
    { label: 'Identity read: subject and claims', codes: ['subject'] },
    POLICY,
    SESSION,
  ],
};

export type StepState = 'passed' | 'failed' | 'skipped';

export function traceSteps(
  protocol: Protocol,
  attempt: { outcome: string; step?: string | null },
): Array<{ label: string; state: StepState }> {
  const steps = STEPS[protocol];
  if (attempt.outcome === 'success') return steps.map((s) => ({ label: s.label, state: 'passed' }));
  // An unknown code (a newer plugin) fails the first step rather than claiming checks passed.
  const failed = Math.max(
    0,
    steps.findIndex((s) => s.codes.includes(attempt.step ?? '')),
  );
  return steps.map((s, i) => ({ label: s.label, state: i < failed ? 'passed' : i === failed ? 'failed' : 'skipped' }));
}

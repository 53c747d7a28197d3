import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { ErrorMessage, SuccessMessage, useTitle } from '@roster/console-sdk';
import { SetSignInPolicy, SignInPolicyQuery, type SignInMethodRow } from '../operations.ts';

/**
 * Why a box can't change, or null. The server refuses a policy that leaves nobody a way in
 * (BAD_USER_INPUT); the page says so before the admin tries, next to the box concerned.
 */
export function lockoutReason(
  method: SignInMethodRow,
  methods: SignInMethodRow[],
  allowed: ReadonlySet<string>,
  ssoRequired: boolean,
): string | null {
  if (ssoRequired && !method.sso) return 'Off while SSO is required: only SSO methods let people in.';
  if (!allowed.has(method.id)) return null;
  const left = methods.filter((m) => allowed.has(m.id) && m.id !== method.id && (!ssoRequired || m.sso));
  if (left.length > 0) return null;
  return ssoRequired
    ? 'The last SSO method can’t be turned off while SSO is required: nobody, admins included, could sign in.'
    : 'The last allowed method can’t be turned off: nobody, admins included, could sign in.';
}

/** R3: one policy for every member: the allowed methods (core and plugins), SSO required, JIT. */
export function SignInPolicyPage({ teamId }: { teamId: string }) {
  useTitle('Sign-in policy');
  const [result] = useQuery({ query: SignInPolicyQuery, variables: { teamId } });
  const [saving, save] = useMutation(SetSignInPolicy);
  const [allowed, setAllowed] = useState<Set<string>>(new Set());
  const [ssoRequired, setSsoRequired] = useState(false);
  const [jit, setJit] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const policy = result.data?.team.signInPolicy;
  const methods = result.data?.signInMethods ?? [];
  useEffect(() => {
    if (!policy) return;
    setAllowed(new Set(policy.methods));
    setSsoRequired(policy.ssoRequired);
    setJit(policy.jitProvisioning);
  }, [policy]);

  const toggle = (id: string, on: boolean) => {
    const next = new Set(allowed);
    if (on) next.add(id);
    else next.delete(id);
    setAllowed(next);
  };
  const ssoAllowed = methods.some((m) => m.sso && allowed.has(m.id));
  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const r = await save({ teamId, policy: { methods: [...allowed], ssoRequired, jitProvisioning: jit } });
    if (r.error) return setError(r.error);
    setDone('The sign-in policy was saved; it applies to every member’s next sign-in.');
  };

  return (
    <>
      <div className="page-head">
        <h1>Sign-in policy</h1>
      </div>
      <p>One policy for every member of the team, admins included.</p>
      <SuccessMessage message={done} />
      <ErrorMessage error={error} title="The policy was refused" />
      <ErrorMessage error={result.error} title="The sign-in policy could not be loaded" />
      {policy && (
        <form className="panel section" onSubmit={(e) => void onSave(e)}>
          <fieldset className="field">
            <legend>Allowed sign-in methods</legend>
            <ul className="option-list">
              {methods.map((m) => {
                const reason = lockoutReason(m, methods, allowed, ssoRequired);
                const hintId = `method-${m.id}-why`;
                return (
                  <li key={m.id}>
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={allowed.has(m.id) && !(ssoRequired && !m.sso)}
                        disabled={!!reason}
                        aria-describedby={reason ? hintId : undefined}
                        onChange={(e) => toggle(m.id, e.target.checked)}
                      />{' '}
                      {m.label}
                      {m.sso && <span className="badge badge-active">SSO</span>}
                      {m.declaredBy !== 'core' && <span className="hint"> from the {m.declaredBy} plugin</span>}
                    </label>
                    {reason && (
                      <p className="hint" id={hintId}>
                        {reason}
                      </p>
                    )}
                  </li>
                );
              })}
            </ul>
          </fieldset>
          <fieldset className="field">
            <legend>Single sign-on</legend>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={ssoRequired}
                disabled={!ssoRequired && !ssoAllowed}
                aria-describedby="sso-required-why"
                onChange={(e) => setSsoRequired(e.target.checked)}
              />{' '}
              SSO required
            </label>
            <p className="hint" id="sso-required-why">
              {!ssoRequired && !ssoAllowed
                ? 'Allow an SSO method first: with SSO required and none allowed, nobody could sign in.'
                : 'Turns off every method that is not SSO, for admins too. Check a test sign-in works first.'}
            </p>
            <label className="checkbox">
              <input type="checkbox" checked={jit} aria-describedby="jit-why" onChange={(e) => setJit(e.target.checked)} /> Create members
              on their first SSO sign-in (just in time)
            </label>
            <p className="hint" id="jit-why">
              Only for email addresses in the team’s verified domains, unless a connection trusts its IdP’s emails.
            </p>
          </fieldset>
          <button type="submit" className="button button-primary" disabled={saving.fetching}>
            Save policy
          </button>
        </form>
      )}
    </>
  );
}

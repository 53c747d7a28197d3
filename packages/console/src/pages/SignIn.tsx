import { useRef, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import { href, useTitle, type ResultOf } from '@roster/console-sdk';
import { signInWithPassword } from '../auth.ts';
import { SignInOptionsQuery } from '../operations.ts';

type Options = NonNullable<ResultOf<typeof SignInOptionsQuery>['signInOptions']>;
type Step = { kind: 'email' } | { kind: 'choose'; options: Options | null } | { kind: 'redirecting'; to: string };

const PROTOCOL: Record<string, string> = { saml: 'SAML', oidc: 'OpenID Connect', wsfed: 'WS-Federation' };

/**
 * Email first (home-realm discovery, R4): the email's domain decides whether the person goes
 * straight to their company's SSO or types a password here. The answer never says whether an
 * account exists.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  useTitle('Sign in');
  const client = useClient();
  const [step, setStep] = useState<Step>({ kind: 'email' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  const discover = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const result = await client
      .query(SignInOptionsQuery, { email: email.trim(), returnTo: href('/') }, { requestPolicy: 'network-only' })
      .toPromise();
    setBusy(false);
    const codes = result.error?.graphQLErrors.map((g) => g.extensions?.code) ?? [];
    if (result.error?.networkError) return setError('Roster can’t be reached. Check your connection and try again.');
    // A server without the discovery plugin has no signInOptions field: password it is.
    if (result.error && !codes.includes('GRAPHQL_VALIDATION_FAILED')) {
      return setError(
        codes.includes('OIDC_EMAIL_INVALID')
          ? 'Enter your work email address, like name@company.com.'
          : result.error.graphQLErrors.map((g) => g.message).join(' '),
      );
    }
    const options = result.data?.signInOptions ?? null;
    if (options?.ssoRequired && options.redirectUrl && options.connections.length === 1) {
      setStep({ kind: 'redirecting', to: options.redirectUrl });
      window.location.assign(options.redirectUrl);
      return;
    }
    setStep({ kind: 'choose', options });
    queueMicrotask(() => passwordRef.current?.focus());
  };

  const submitPassword = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const result = await signInWithPassword(email.trim(), password);
    setBusy(false);
    if (!result.ok) return setError(result.message);
    onSignedIn();
  };

  const restart = () => {
    setStep({ kind: 'email' });
    setPassword('');
    setError(null);
  };

  const options = step.kind === 'choose' ? step.options : null;
  const methods = options?.methods ?? ['password'];
  const passwordAllowed = methods.includes('password');

  return (
    <main className="centered" id="main">
      <div className="card signin">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            R
          </span>
          Roster <span className="brand-sub">admin</span>
        </div>
        <h1>Sign in</h1>
        {error && (
          <div className="alert alert-error" role="alert">
            <p>{error}</p>
          </div>
        )}

        {step.kind === 'email' && (
          <form onSubmit={discover} noValidate>
            <div className="field">
              <label htmlFor="email">Work email</label>
              <input
                id="email"
                name="email"
                type="email"
                autoComplete="username"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            <button type="submit" className="button button-primary button-block" disabled={busy}>
              {busy ? 'Checking…' : 'Continue'}
            </button>
          </form>
        )}

        {step.kind === 'redirecting' && <p role="status">Taking you to your company’s sign-in…</p>}

        {step.kind === 'choose' && (
          <>
            <div className="signing-in">
              <span className="signing-in-email" title="Signing in as">
                {email.trim()}
              </span>
              <button type="button" className="link-button" onClick={restart} aria-label="Change email">
                Change
              </button>
            </div>
            {options && options.connections.length > 0 && (
              <div className="stack">
                {options.connections.map((c) => (
                  <a key={c.connectionId} className="button button-block" href={c.loginUrl}>
                    Continue with {c.name ?? PROTOCOL[c.protocol] ?? 'single sign-on'}
                  </a>
                ))}
              </div>
            )}
            {options?.googleUrl && (
              <a className="button button-block" href={options.googleUrl}>
                Continue with Google
              </a>
            )}
            {passwordAllowed && (
              <form onSubmit={submitPassword} noValidate>
                {options && (options.connections.length > 0 || options.googleUrl) && (
                  <p className="divider">
                    <span>or</span>
                  </p>
                )}
                <input type="email" name="email" autoComplete="username" value={email} readOnly hidden />
                <div className="field">
                  <label htmlFor="password">Password</label>
                  <input
                    id="password"
                    ref={passwordRef}
                    name="password"
                    type="password"
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                  />
                </div>
                <button type="submit" className="button button-primary button-block" disabled={busy || !password}>
                  {busy ? 'Signing in…' : 'Sign in'}
                </button>
              </form>
            )}
            {methods.length === 0 && (
              <div className="alert alert-error" role="alert">
                <p>Your team has no way to sign in set up yet. Ask your team’s admin to add a single sign-on connection.</p>
              </div>
            )}
          </>
        )}
      </div>
    </main>
  );
}

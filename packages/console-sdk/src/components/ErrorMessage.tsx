import type { CombinedError } from 'urql';
import { href } from '../router.tsx';

/**
 * Shows every GraphQL error with its message (and stable code), or the network failure, in
 * an alert region that screen readers announce. Nothing a server says is swallowed.
 */
export function ErrorMessage({ error, title = 'That didn’t work' }: { error: CombinedError | string | null | undefined; title?: string }) {
  if (!error) return null;
  if (typeof error === 'string') {
    return (
      <div className="alert alert-error" role="alert">
        <p className="alert-title">{title}</p>
        <p>{error}</p>
      </div>
    );
  }
  const signedOut = error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{title}</p>
      <ul>
        {error.graphQLErrors.map((e, i) => (
          <li key={i}>
            {e.message}
            {typeof e.extensions?.code === 'string' && <code className="error-code">{e.extensions.code}</code>}
          </li>
        ))}
        {error.networkError && <li>Roster can’t be reached ({error.networkError.message}). Check your connection and try again.</li>}
      </ul>
      {signedOut && (
        <p>
          <a href={href('/sign-in', { unscoped: true })}>Sign in again</a>
        </p>
      )}
    </div>
  );
}

/**
 * Password sign-in and sign-out are plain HTTP routes of the server (`/auth/login`,
 * `/auth/logout`), not GraphQL: they set and clear the httpOnly session cookie.
 */

/** What each refusal means for the person at the keyboard (codes from the core's sign-in). */
const WORDS: Record<string, string> = {
  INVALID_CREDENTIALS: 'That email and password don’t match. Check them and try again.',
  SSO_REQUIRED: 'Your team signs in with single sign-on. Use your company’s sign-in instead of a password.',
  SIGN_IN_METHOD_NOT_ALLOWED: 'Your team doesn’t allow signing in with a password.',
  MEMBER_INACTIVE: 'Your account is deactivated. Ask an admin of your team to reactivate it.',
  NOT_PROVISIONED: 'This account isn’t a member of any team yet.',
};

export type SignInResult = { ok: true } | { ok: false; message: string };

export async function signInWithPassword(email: string, password: string): Promise<SignInResult> {
  let response: Response;
  try {
    response = await fetch('/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    return { ok: false, message: 'Roster can’t be reached. Check your connection and try again.' };
  }
  if (response.ok) return { ok: true };
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  // TOO_MANY_ATTEMPTS carries the wait in its message; unknown codes show the server's words.
  const words = (body.error && WORDS[body.error]) || body.message || `Sign-in failed (HTTP ${response.status}).`;
  return { ok: false, message: words };
}

export async function signOut(): Promise<void> {
  // No body and no content-type: the route reads the cookie only.
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
}

/**
 * The plugin's error catalogue: every answer a client can cause has a stable code and status.
 * Sign-in refusals decided by the core (`SSO_REQUIRED`, `MEMBER_INACTIVE`…) keep the core's code.
 */
export const EMAIL_LINK_ERRORS = {
  EMAIL_LINK_BAD_REQUEST: { status: 400, message: 'Send an email address and a team.' },
  EMAIL_LINK_TOO_MANY_REQUESTS: { status: 429, message: 'Too many sign-in links were asked for; try again in a few minutes.' },
  EMAIL_LINK_INVALID: { status: 400, message: 'This sign-in link is not valid. Ask for a new one.' },
  EMAIL_LINK_USED: { status: 410, message: 'This sign-in link was already used. Ask for a new one.' },
  EMAIL_LINK_EXPIRED: { status: 410, message: 'This sign-in link has expired. Ask for a new one.' },
  EMAIL_LINK_CROSS_SITE: { status: 403, message: 'Open the link from your email and confirm on this site.' },
  EMAIL_LINK_SIGNIN_REFUSED: { status: 403, message: 'You cannot sign in with an email link. Ask your team’s admin how to sign in.' },
} as const;

export type EmailLinkErrorCode = keyof typeof EMAIL_LINK_ERRORS;

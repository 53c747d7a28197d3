import type { Migration } from './types.js';

/**
 * Team policies list sign-in methods by the id their implementer declared, instead of the closed
 * `password | google | sso`. `sso` meant "any SSO connection", and the only SSO protocols were
 * SAML, OIDC and WS-Fed: it becomes those three ids, so no team loses a way in. A policy with
 * "SSO required" always held `sso` (setSignInPolicy added it); one written without it by hand is
 * given the three as well, so it keeps the SSO it required.
 */
export const signInMethods: Migration = {
  name: 'core/0007-sign-in-methods',
  sql: `
update team
set sign_in_policy = jsonb_set(
  sign_in_policy,
  '{methods}',
  (coalesce(sign_in_policy->'methods', '[]'::jsonb) - 'sso' - 'saml' - 'oidc' - 'wsfed') || '["saml", "oidc", "wsfed"]'::jsonb
)
where sign_in_policy->'methods' @> '["sso"]'::jsonb or (sign_in_policy->>'ssoRequired')::boolean is true;`,
};

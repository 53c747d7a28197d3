/**
 * Home-realm discovery (R4): which sign-in methods a person may use, and where to go, from the
 * email they typed. The answer depends on the email's domain only — whether a domain is
 * verified, and the policy and connections of the team that verified it — never on whether an
 * account exists for that address, so it cannot be used to probe for accounts.
 */
import { failOidc } from './errors.js';
import type { SsoEntryPoint } from './options.js';
import { inspectReturnTo, type SignInMethod } from '@roster/plugin-sdk';
import { GOOGLE_CONNECTION_ID, type OidcService } from './service.js';

export interface SignInOptionsAnswer {
  /** The email's domain, lower-cased. */
  domain: string;
  /** What the sign-in page offers: `password`, `google`, `sso` (the team's connections). */
  methods: SignInMethod[];
  ssoRequired: boolean;
  /** The team's first SSO entry point when the domain is verified and SSO is allowed. */
  redirectUrl: string | null;
  /** The platform Google sign-in, when configured and allowed. */
  googleUrl: string | null;
  /** Every SSO entry point of the team (several connections, several protocols). */
  connections: SsoEntryPoint[];
}

const EMAIL = /^[^@\s]{1,64}@([^@\s]{1,253})$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function emailDomain(email: unknown): string {
  if (typeof email !== 'string') failOidc('OIDC_EMAIL_INVALID');
  const match = EMAIL.exec(email.trim().toLowerCase());
  const domain = match?.[1]?.replace(/\.$/, '');
  if (!domain || !DOMAIN.test(domain)) failOidc('OIDC_EMAIL_INVALID');
  return domain;
}

function withHints(url: string, email: string, returnTo: string | null): string {
  const u = new URL(url);
  u.searchParams.set('login_hint', email);
  if (returnTo) u.searchParams.set('return_to', returnTo);
  return u.toString();
}

export async function signInOptions(service: OidcService, emailInput: unknown, returnToInput?: unknown): Promise<SignInOptionsAnswer> {
  const domain = emailDomain(emailInput);
  const email = (emailInput as string).trim().toLowerCase();
  const { core, options, config } = service.env;
  const checked = returnToInput === undefined || returnToInput === null ? null : inspectReturnTo(returnToInput, config.allowedOrigins);
  const returnTo = checked?.ok ? checked.value : null;
  const google = options.google ? withHints(service.loginUrl(GOOGLE_CONNECTION_ID), email, returnTo) : null;

  // The core's lookup takes the domain from the address; only verified domains route (R4).
  const teamId = await core.domains.teamForEmail(`x@${domain}`);
  const team = teamId ? await core.teams.find(teamId) : null;
  if (!team) {
    return {
      domain,
      methods: google ? ['password', 'google'] : ['password'],
      ssoRequired: false,
      redirectUrl: null,
      googleUrl: google,
      connections: [],
    };
  }

  const policy = team.signInPolicy;
  // R3 per method id, decided by the core (listed, and not turned off by "SSO required"); an
  // entry point is offered when its protocol's method is allowed.
  const allowed = (method: string) => core.signInMethods.policyRefusal(policy, method) === null;
  const ssoAllowed = policy.methods.some((m) => core.signInMethods.get(m)?.sso && allowed(m));
  const entryPoints: SsoEntryPoint[] = ssoAllowed ? await teamEntryPoints(service, team.id) : [];
  const connections = entryPoints
    .filter((e) => !core.signInMethods.get(e.protocol) || allowed(e.protocol))
    .map((e) => ({ ...e, loginUrl: withHints(e.loginUrl, email, returnTo) }));
  const methods: SignInMethod[] = policy.ssoRequired
    ? ['sso']
    : [
        ...(allowed('password') ? ['password'] : []),
        ...(allowed('google') && google !== null ? ['google'] : []),
        ...(connections.length > 0 ? ['sso'] : []),
      ];
  return {
    domain,
    methods,
    ssoRequired: policy.ssoRequired,
    redirectUrl: connections[0]?.loginUrl ?? null,
    googleUrl: methods.includes('google') ? google : null,
    connections,
  };
}

/** Every protocol plugin's entry points (OIDC registers first), then any from the options. */
async function teamEntryPoints(service: OidcService, teamId: string): Promise<SsoEntryPoint[]> {
  const listed: SsoEntryPoint[] = [...(await service.env.sso.entryPoints(teamId))];
  for (const source of service.env.options.ssoEntryPoints) {
    try {
      listed.push(...(await source(teamId, { core: service.env.core, publicUrl: service.publicUrl })));
    } catch (error) {
      service.env.logger.error({ err: error, teamId }, 'an SSO entry point source failed during home-realm discovery');
    }
  }
  return listed;
}

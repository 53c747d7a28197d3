import { RosterError } from '../errors.js';
import type { SignInPolicy } from '../entities/index.js';

/**
 * A way into a team (R3), declared by whoever implements it: the core declares `password`,
 * each protocol plugin its own (`saml`, `oidc`, `google`, `wsfed`, `email-link`…). Team
 * policies list allowed methods by id; "SSO required" turns off every method with `sso: false`.
 */
export interface SignInMethodDefinition {
  /** Stable id stored in team policies: lower-case letters, digits and dashes (`email-link`). */
  id: string;
  /** What an admin reads ("Email link"). */
  label: string;
  /** Counts as single sign-on: stays allowed when the team requires SSO. */
  sso: boolean;
  /**
   * Allowed in the policy of teams created while the method is declared.
   * @default false: a new method is off until a team admin allows it.
   */
  allowedByDefault?: boolean;
}

export interface DeclaredSignInMethod extends SignInMethodDefinition {
  /** `core`, or the name of the plugin that declared it. */
  declaredBy: string;
}

/** The one method the core itself implements (`SignInService.withPassword`). */
export const PASSWORD_METHOD: DeclaredSignInMethod = {
  id: 'password',
  label: 'Password',
  sso: false,
  allowedByDefault: true,
  declaredBy: 'core',
};

const METHOD_ID = /^[a-z][a-z0-9-]{0,39}$/;

/** Why a team's policy keeps a member out of a method, or null when it lets them in. */
export type PolicyRefusal = { code: 'SIGN_IN_METHOD_UNKNOWN' | 'SSO_REQUIRED' | 'SIGN_IN_METHOD_NOT_ALLOWED'; reason: string };

/** The methods this deployment knows, fixed at boot (the server declares each enabled plugin's). */
export class SignInMethodRegistry {
  private readonly byId = new Map<string, DeclaredSignInMethod>();

  /** Throws `SIGN_IN_METHOD_INVALID` / `SIGN_IN_METHOD_DUPLICATE`: a boot-time error, before anything listens. */
  constructor(declared: readonly DeclaredSignInMethod[] = []) {
    for (const m of [PASSWORD_METHOD, ...declared]) {
      if (typeof m.id !== 'string' || !METHOD_ID.test(m.id))
        throw new RosterError('SIGN_IN_METHOD_INVALID', `${m.declaredBy}: sign-in method id "${String(m.id)}" must match ${METHOD_ID}.`);
      if (typeof m.label !== 'string' || !m.label.trim() || typeof m.sso !== 'boolean')
        throw new RosterError('SIGN_IN_METHOD_INVALID', `${m.declaredBy}: sign-in method "${m.id}" needs a label and sso: true | false.`);
      const other = this.byId.get(m.id);
      if (other)
        throw new RosterError(
          'SIGN_IN_METHOD_DUPLICATE',
          `Sign-in method "${m.id}" is declared by both ${other.declaredBy} and ${m.declaredBy}.`,
        );
      this.byId.set(m.id, Object.freeze({ ...m }));
    }
  }

  get(id: string): DeclaredSignInMethod | null {
    return this.byId.get(id) ?? null;
  }

  list(): DeclaredSignInMethod[] {
    return [...this.byId.values()];
  }

  /** The methods a new team allows. */
  defaultIds(): string[] {
    return this.list()
      .filter((m) => m.allowedByDefault === true)
      .map((m) => m.id);
  }

  /**
   * R3 for one method: known, not turned off by "SSO required", listed by the team. The one
   * place this is decided; `canSignIn`, `complete` and password sign-in all ask it.
   */
  policyRefusal(policy: SignInPolicy, methodId: string): PolicyRefusal | null {
    const method = this.get(methodId);
    if (!method) return { code: 'SIGN_IN_METHOD_UNKNOWN', reason: `No sign-in method "${methodId}" is enabled on this server.` };
    if (policy.ssoRequired && !method.sso)
      return { code: 'SSO_REQUIRED', reason: `The team requires single sign-on; ${method.label} sign-in is disabled.` };
    if (!policy.methods.includes(method.id))
      return { code: 'SIGN_IN_METHOD_NOT_ALLOWED', reason: `The team does not allow ${method.label} sign-in ("${method.id}").` };
    return null;
  }
}

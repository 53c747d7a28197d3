import { SignInMethodRegistry } from '@roster/core';
import type { LoadedPlugin } from './plugin-host.js';

/**
 * The sign-in methods of this deployment: the core's `password` and each enabled plugin's
 * `signInMethods`. Built before the database opens, so a malformed or twice-declared id stops
 * the boot with a code (`SIGN_IN_METHOD_INVALID`, `SIGN_IN_METHOD_DUPLICATE`).
 */
export function signInMethodRegistry(loaded: readonly LoadedPlugin[]): SignInMethodRegistry {
  return new SignInMethodRegistry(
    loaded.flatMap(({ plugin }) => (plugin.signInMethods ?? []).map((m) => ({ ...m, declaredBy: plugin.name }))),
  );
}

import { definePlugin, type RosterPlugin, type SignInMethodDefinition } from '@roster/plugin-sdk';

/** A plugin that only declares sign-in methods: for core tests that need methods besides `password`. */
export function methodsPlugin(
  methods: SignInMethodDefinition[] = [
    { id: 'corp-sso', label: 'Corporate SSO', sso: true },
    { id: 'magic', label: 'Magic word', sso: false },
  ],
  name = 'test-methods',
): RosterPlugin<unknown> {
  return definePlugin({ name, version: '0.0.0', signInMethods: methods }) as RosterPlugin<unknown>;
}

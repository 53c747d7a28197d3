import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** The id of a declared sign-in method (`password`, `saml`, `oidc`, `google`, `wsfed`, a plugin's own…). */
export type SignInMethod = string;

/** R3: one policy for the whole team, never per member. */
export interface SignInPolicy {
  /** Ids of the methods members may use. With `ssoRequired`, only the SSO ones among them are honoured. */
  methods: SignInMethod[];
  ssoRequired: boolean;
  /** Create a member on first SSO sign-in when the person is not provisioned yet. */
  jitProvisioning: boolean;
}

/** A team made without a registry at hand; `TeamService.create` gives every declared `allowedByDefault` method. */
export const DEFAULT_SIGN_IN_POLICY: SignInPolicy = { methods: ['password'], ssoRequired: false, jitProvisioning: false };

@Entity({ tableName: 'team' })
export class Team {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'signInPolicy';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'text' }) slug!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'json' }) signInPolicy: SignInPolicy = { ...DEFAULT_SIGN_IN_POLICY };
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

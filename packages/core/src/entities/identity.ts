import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Links a connection's subject (SAML NameID, OIDC sub) to a member, so a changed email keeps the link. */
@Entity({ tableName: 'identity' })
export class Identity {
  [OptionalProps]?: 'createdAt' | 'lastSignInAt';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) teamId!: string;
  @Property({ type: 'uuid' }) membershipId!: string;
  @Property({ type: 'text' }) connectionId!: string;
  @Property({ type: 'text' }) subject!: string;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', nullable: true }) lastSignInAt: Date | null = null;
}

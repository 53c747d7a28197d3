import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A person. `login` is the normalised (lower-case) userName / email that identifies them (R2). */
@Entity({ tableName: 'user' })
export class User {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'platformAdmin' | 'email' | 'givenName' | 'familyName' | 'displayName' | 'passwordHash';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'text' }) login!: string;
  @Property({ type: 'text', nullable: true }) email: string | null = null;
  @Property({ type: 'text', nullable: true }) givenName: string | null = null;
  @Property({ type: 'text', nullable: true }) familyName: string | null = null;
  @Property({ type: 'text', nullable: true }) displayName: string | null = null;
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true }) passwordHash: string | null = null;
  @Property({ type: 'boolean' }) platformAdmin = false;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

export function normaliseLogin(value: string): string {
  return value.trim().toLowerCase();
}

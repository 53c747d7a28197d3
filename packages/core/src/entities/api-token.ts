import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** `api` tokens act as their team's admin on GraphQL; `scim` tokens reach only the SCIM plugin (R17). */
export type TokenScope = 'api' | 'scim' | (string & {});

@Entity({ tableName: 'api_token' })
export class ApiToken {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt' | 'revokedAt' | 'createdBy';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) teamId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) scope!: TokenScope;
  @Property({ type: 'text' }) tokenHash!: string;
  /** The first characters of the secret, to tell tokens apart in lists. */
  @Property({ type: 'text' }) prefix!: string;
  @Property({ type: 'text', nullable: true }) createdBy: string | null = null;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', nullable: true }) lastUsedAt: Date | null = null;
  @Property({ type: 'datetime', nullable: true }) revokedAt: Date | null = null;
}

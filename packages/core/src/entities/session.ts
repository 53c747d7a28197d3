import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A browser session. Only the SHA-256 of the cookie value is stored. */
@Entity({ tableName: 'session' })
export class Session {
  [OptionalProps]?: 'createdAt' | 'lastSeenAt' | 'revokedAt' | 'connectionId' | 'teamId' | 'membershipId';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'text' }) tokenHash!: string;
  @Property({ type: 'uuid' }) userId!: string;
  @Property({ type: 'uuid', nullable: true }) teamId: string | null = null;
  @Property({ type: 'uuid', nullable: true }) membershipId: string | null = null;
  @Property({ type: 'text' }) method!: string;
  @Property({ type: 'text', nullable: true }) connectionId: string | null = null;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime' }) expiresAt!: Date;
  @Property({ type: 'datetime' }) lastSeenAt: Date = new Date();
  @Property({ type: 'datetime', nullable: true }) revokedAt: Date | null = null;
}

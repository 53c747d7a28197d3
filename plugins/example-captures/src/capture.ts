import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A "lead capture" (LeadIQ): a record owned by a member. It references its owner without a
 * cascading foreign key, because R9 says data outlives the owner's access and membership.
 */
@Entity({ tableName: 'capture' })
export class Capture {
  [OptionalProps]?: 'createdAt';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) teamId!: string;
  @Property({ type: 'uuid' }) ownerUserId!: string;
  @Property({ type: 'text' }) ownerUserName!: string;
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
}

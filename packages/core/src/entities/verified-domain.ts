import { Entity, ManyToOne, PrimaryKey, Property, OptionalProps, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Team } from './team.js';

/** R4: an email domain a team claims; routes sign-ins once verified. */
@Entity({ tableName: 'verified_domain' })
export class VerifiedDomain {
  [OptionalProps]?: 'createdAt' | 'verifiedAt' | 'verifiedBy';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @ManyToOne(() => Team, { ref: true, fieldName: 'team_id' }) team!: Ref<Team>;
  @Property({ type: 'text' }) domain!: string;
  @Property({ type: 'text' }) verificationToken!: string;
  @Property({ type: 'datetime', nullable: true }) verifiedAt: Date | null = null;
  @Property({ type: 'text', nullable: true }) verifiedBy: string | null = null;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
}

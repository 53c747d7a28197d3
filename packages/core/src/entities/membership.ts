import { Entity, ManyToOne, PrimaryKey, Property, OptionalProps, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Team } from './team.js';
import { User } from './user.js';

export type MemberRole = 'owner' | 'admin' | 'member';
export type MemberStatus = 'active' | 'inactive';

@Entity({ tableName: 'membership' })
export class Membership {
  [OptionalProps]?:
    'createdAt' | 'updatedAt' | 'creditLimit' | 'externalId' | 'attributes' | 'version' | 'deactivatedAt' | 'status' | 'role';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @ManyToOne(() => Team, { ref: true, fieldName: 'team_id' }) team!: Ref<Team>;
  @ManyToOne(() => User, { ref: true, fieldName: 'user_id' }) user!: Ref<User>;
  @Property({ type: 'text' }) role: MemberRole = 'member';
  @Property({ type: 'text' }) status: MemberStatus = 'active';
  @Property({ type: 'integer' }) creditLimit = 0;
  /** As the IdP sent it (case kept); uniqueness is on the lower-cased value. */
  @Property({ type: 'text' }) userName!: string;
  @Property({ type: 'text', nullable: true }) externalId: string | null = null;
  /** Profile attributes beyond the person's name (SCIM title, phoneNumbers, enterprise extension…). */
  @Property({ type: 'json' }) attributes: Record<string, unknown> = {};
  @Property({ type: 'integer', version: true }) version = 1;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
  @Property({ type: 'datetime', nullable: true }) deactivatedAt: Date | null = null;
}

import { Entity, ManyToOne, PrimaryKey, Property, OptionalProps, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Team } from './team.js';
import { LicenseType } from './license-type.js';
import { Membership } from './membership.js';

@Entity({ tableName: 'group' })
export class Group {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'externalId' | 'licenseType' | 'version';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @ManyToOne(() => Team, { ref: true, fieldName: 'team_id' }) team!: Ref<Team>;
  @Property({ type: 'text' }) displayName!: string;
  @Property({ type: 'text', nullable: true }) externalId: string | null = null;
  /** R13/R15: the link follows this id, never the group's name. */
  @ManyToOne(() => LicenseType, { ref: true, nullable: true, fieldName: 'license_type_id' }) licenseType: Ref<LicenseType> | null = null;
  @Property({ type: 'integer', version: true }) version = 1;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

/** One row per membership: concurrent PATCHes of one group never lose a member. */
@Entity({ tableName: 'group_member' })
export class GroupMember {
  [OptionalProps]?: 'createdAt';
  @ManyToOne(() => Group, { primary: true, ref: true, fieldName: 'group_id' }) group!: Ref<Group>;
  @ManyToOne(() => Membership, { primary: true, ref: true, fieldName: 'membership_id' }) membership!: Ref<Membership>;
  @ManyToOne(() => Team, { ref: true, fieldName: 'team_id' }) team!: Ref<Team>;
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
}

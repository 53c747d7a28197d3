import { Entity, ManyToOne, PrimaryKey, Property, OptionalProps, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Team } from './team.js';
import { Membership } from './membership.js';
import { LicenseType } from './license-type.js';

export type LicenseState = 'GRANTED' | 'PENDING_SEAT';

/** A member's request for a license type (R13) and whether a seat backs it (R12, R14). */
@Entity({ tableName: 'license_assignment' })
export class LicenseAssignment {
  [OptionalProps]?: 'grantedAt';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @ManyToOne(() => Team, { ref: true, fieldName: 'team_id' }) team!: Ref<Team>;
  @ManyToOne(() => Membership, { ref: true, fieldName: 'membership_id' }) membership!: Ref<Membership>;
  @ManyToOne(() => LicenseType, { ref: true, fieldName: 'license_type_id' }) licenseType!: Ref<LicenseType>;
  @Property({ type: 'text' }) state!: LicenseState;
  @Property({ type: 'datetime' }) requestedAt!: Date;
  @Property({ type: 'datetime', nullable: true }) grantedAt: Date | null = null;
}

import { Entity, ManyToOne, PrimaryKey, Property, OptionalProps, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Team } from './team.js';

/** R11: what a team buys seats of. `entitlements` decide what a holder may do. */
@Entity({ tableName: 'license_type' })
export class LicenseType {
  [OptionalProps]?: 'createdAt' | 'seats' | 'entitlements';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @ManyToOne(() => Team, { ref: true, fieldName: 'team_id' }) team!: Ref<Team>;
  @Property({ type: 'text' }) key!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'integer' }) seats = 0;
  @Property({ type: 'json' }) entitlements: string[] = [];
  @Property({ type: 'datetime' }) createdAt: Date = new Date();
}

/** LivePreso's three license types (R11), created with every team together with their app groups (R15). */
export const DEFAULT_LICENSE_TYPES = [
  { key: 'salesperson', name: 'Salesperson', entitlements: ['presentations:use'] },
  { key: 'prep-user', name: 'Prep User', entitlements: ['presentations:use', 'presentations:prepare'] },
  { key: 'manager', name: 'Manager', entitlements: ['presentations:use', 'admin-console:access'] },
] as const;

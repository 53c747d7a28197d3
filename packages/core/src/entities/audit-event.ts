import { Entity, PrimaryKey, Property, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type AuditChannel = 'graphql' | 'scim' | 'saml' | 'oidc' | 'wsfed' | 'password' | 'google' | 'cli' | 'system' | (string & {});
export type AuditOutcome = 'success' | 'failure';

/** R19: who did what, when, through which channel; refusals carry the reason. Append-only. */
@Entity({ tableName: 'audit_event' })
export class AuditEvent {
  [OptionalProps]?: 'at' | 'data' | 'reason' | 'requestId' | 'targetType' | 'targetId' | 'actorId' | 'actorLabel' | 'teamId';
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid', nullable: true }) teamId: string | null = null;
  @Property({ type: 'datetime' }) at: Date = new Date();
  @Property({ type: 'text' }) channel!: AuditChannel;
  @Property({ type: 'text' }) action!: string;
  @Property({ type: 'text' }) outcome!: AuditOutcome;
  @Property({ type: 'text' }) actorType!: string;
  @Property({ type: 'text', nullable: true }) actorId: string | null = null;
  @Property({ type: 'text', nullable: true }) actorLabel: string | null = null;
  @Property({ type: 'text', nullable: true }) targetType: string | null = null;
  @Property({ type: 'text', nullable: true }) targetId: string | null = null;
  @Property({ type: 'text', nullable: true }) reason: string | null = null;
  @Property({ type: 'text', nullable: true }) requestId: string | null = null;
  @Property({ type: 'json' }) data: Record<string, unknown> = {};
}

import { ApiToken, Team, audit, auditEvent, boundRows, type Core, type Group, type Membership } from '@roster/core';
import type { ApiTokenRecord, GroupRecord, MemberRecord, PluginCore, TeamRecord } from '@roster/plugin-sdk';

/**
 * The SDK's interfaces (`ctx.core`) over the core's services: what plugins see of the domain.
 * Entities never cross: every answer is a plain record made here, so the core may change its
 * entities without breaking a plugin.
 */
export function createPluginCore(core: Core): PluginCore {
  return Object.freeze({
    db: {
      em: () => core.em(),
      read: (sql, params, opts) => core.read(sql, params, opts),
      rows: (tx, sql, params = [], opts) => boundRows(tx, sql, params, opts),
    },
    audit: {
      record: (tx, actor, event) => audit(tx, actor, event),
      write: (actor, event) => core.em().persistAndFlush(auditEvent(actor, event)),
    },
    members: {
      get: async (teamId, id) => memberRecord(await core.members.get(teamId, id)),
      provision: async (teamId, input, actor) => memberRecord(await core.members.provision(teamId, input, actor)),
      async sync(teamId, id, change, actor) {
        const input = typeof change === 'function' ? (m: Membership) => change(memberRecord(m)) : change;
        const r = await core.members.sync(teamId, id, input, actor);
        return { member: memberRecord(r.membership), changed: r.changed };
      },
      changeActive: (teamId, id, active, actor) => core.members.changeActive(teamId, id, active, actor),
      remove: (teamId, id, actor, opts = {}) => {
        const guard = opts.guard;
        return core.members.remove(teamId, id, actor, guard ? { guard: (m) => guard(memberRecord(m)) } : {});
      },
    },
    groups: {
      create: async (teamId, input, actor, tx) => groupRecord(await core.groups.create(teamId, input, actor, tx)),
      update: async (teamId, id, input, actor, tx) => groupRecord(await core.groups.update(teamId, id, input, actor, tx)),
      remove: (teamId, id, actor, tx) => core.groups.remove(teamId, id, actor, tx),
      changeMembers: async (tx, teamId, id, change, actor) => void (await core.groups.changeMembers(tx, teamId, id, change, actor)),
    },
    teams: {
      get: async (teamId) => teamRecord(await core.teams.get(teamId)),
      find: async (teamId) => {
        const t = await core.em().findOne(Team, { id: teamId });
        return t ? teamRecord(t) : null;
      },
      bySlug: async (slug) => {
        const t = await core.teams.bySlug(slug);
        return t ? teamRecord(t) : null;
      },
    },
    domains: { teamForEmail: (email) => core.domains.teamForEmail(email) },
    tokens: {
      create: async (teamId, name, scope, actor) => {
        const { token, secret } = await core.tokens.create(teamId, name, scope, actor);
        return { token: tokenRecord(token), secret };
      },
      list: async (teamId, scope) => (await core.tokens.list(teamId, scope)).map(tokenRecord),
      find: async (teamId, id, scope) => {
        const t = await core.em().findOne(ApiToken, { id, teamId, scope, revokedAt: null });
        return t ? tokenRecord(t) : null;
      },
      revoke: (teamId, id, actor) => core.tokens.revoke(teamId, id, actor),
      verify: (secret, scope) => core.tokens.verify(secret, scope),
    },
    sessions: {
      revoke: (token) => core.sessions.revoke(token),
      revokeForConnection: (teamId, connectionId) => core.sessions.revokeForConnection(teamId, connectionId),
      takeSsoHandle: (token, connectionId) => core.sessions.takeSso(token, connectionId),
      revokeBySsoHandle: (connectionId, subject, indexes) => core.sessions.revokeBySso(connectionId, subject, indexes),
    },
    flows: {
      put: (ns, key, value, ttl) => core.flows.put(ns, key, value, ttl),
      take: (ns, key) => core.flows.take(ns, key),
      peek: (ns, key) => core.flows.peek(ns, key),
    },
    replay: { claim: (ns, key, expiresAt) => core.replay.claim(ns, key, expiresAt) },
    secrets: { encrypt: (plain) => core.secrets.encrypt(plain), decrypt: (sealed) => core.secrets.decrypt(sealed) },
    rows: {
      ticket: () => core.rows.ticket(),
      get: (table, id) => core.rows.get(table, id),
      set: (table, id, value, ticket) => core.rows.set(table, id, value, ticket),
      changedRow: (table, id) => core.rows.changedRow(table, id),
    },
    signInMethods: {
      get: (id) => core.signInMethods.get(id),
      policyRefusal: (policy, methodId) => core.signInMethods.policyRefusal({ ...policy, methods: [...policy.methods] }, methodId),
    },
  } satisfies PluginCore);
}

function memberRecord(m: Membership): MemberRecord {
  const u = m.user.getEntity();
  return {
    id: m.id,
    teamId: m.team.id,
    userId: u.id,
    userName: m.userName,
    status: m.status,
    role: m.role,
    externalId: m.externalId,
    email: u.email,
    displayName: u.displayName,
    givenName: u.givenName,
    familyName: u.familyName,
    attributes: m.attributes,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    version: m.version,
  };
}

function groupRecord(g: Group): GroupRecord {
  return {
    id: g.id,
    teamId: g.team.id,
    displayName: g.displayName,
    externalId: g.externalId,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
    version: g.version,
  };
}

function teamRecord(t: Team): TeamRecord {
  const p = t.signInPolicy;
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    signInPolicy: { methods: [...p.methods], ssoRequired: p.ssoRequired, jitProvisioning: p.jitProvisioning },
  };
}

function tokenRecord(t: ApiToken): ApiTokenRecord {
  return {
    id: t.id,
    teamId: t.teamId,
    name: t.name,
    scope: t.scope,
    prefix: t.prefix,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

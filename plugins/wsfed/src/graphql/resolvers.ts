import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import {
  RosterError,
  SignInAttemptType,
  TeamType,
  actorOf,
  requireTeamAdmin,
  requireViewer,
  type PluginEm as Em,
  type PluginGraphQLContext as GqlContext,
  type SignInApi,
} from '@roster/plugin-sdk';
import type { ClaimOverrides, WsFedConnectionEntity } from '../entity.js';
import { resolveClaimMapping } from '../protocol/index.js';
import { UUID, describeCertificates, type ConnectionInput, type WsFedConnections } from '../service.js';
import { WsFedCertificateType, WsFedClaimMappingType, WsFedClaimPresetEnum, WsFedConnectionInput, WsFedConnectionType } from './types.js';

export function toConnectionType(c: WsFedConnectionEntity, svc: WsFedConnections, now: Date = new Date()): WsFedConnectionType {
  const sp = svc.spDefaults(c.id);
  return Object.assign(new WsFedConnectionType(), {
    id: c.id,
    teamId: c.teamId,
    name: c.name,
    enabled: c.enabled,
    realm: c.realm,
    replyUrl: c.replyUrl,
    loginUrl: sp.loginUrl,
    logoutUrl: sp.logoutUrl,
    idpIssuer: c.idpIssuer,
    idpSignInUrl: c.idpSignInUrl,
    idpSignOutUrl: c.idpSignOutUrl,
    certificates: describeCertificates(c.signingCertificates, now).map((cert) => Object.assign(new WsFedCertificateType(), cert)),
    allowSha1: c.allowSha1,
    trustEmails: c.trustEmails,
    clockSkewSeconds: c.clockSkewSeconds,
    claimPreset: c.claimPreset as WsFedClaimPresetEnum,
    claimOverrides: Object.assign(new WsFedClaimMappingType(), c.claimOverrides),
    claimMapping: Object.assign(new WsFedClaimMappingType(), resolveClaimMapping({ ...c.claimOverrides, preset: c.claimPreset })),
    metadataUrl: c.metadataUrl,
    metadataRefreshedAt: c.metadataRefreshedAt,
    metadataCheckedAt: c.metadataCheckedAt,
    metadataError: c.metadataError,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

function toInput(input: WsFedConnectionInput): ConnectionInput {
  const { claimOverrides, claimPreset, ...rest } = input;
  const out: ConnectionInput = { ...rest };
  if (claimPreset !== undefined) out.claimPreset = claimPreset;
  if (claimOverrides === null) out.claimOverrides = null;
  else if (claimOverrides !== undefined) {
    const o: ClaimOverrides = {};
    for (const [key, value] of Object.entries(claimOverrides) as Array<[keyof ClaimOverrides, string[] | null | undefined]>) {
      if (value != null) o[key] = value;
    }
    out.claimOverrides = o;
  }
  return out;
}

/** `Team.wsfedConnections` and the admin mutations (R18). Every change is audited by the service (R19). */
@Resolver(() => TeamType)
export class WsFedTeamResolver {
  constructor(private readonly svc: WsFedConnections) {}

  @FieldResolver(() => [WsFedConnectionType], { description: 'WS-Federation connections (ADFS, Entra ID). Team admins only.' })
  async wsfedConnections(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<WsFedConnectionType[]> {
    requireTeamAdmin(ctx, team.id);
    const now = new Date();
    return (await this.svc.list(team.id)).map((c) => toConnectionType(c, this.svc, now));
  }

  @Mutation(() => WsFedConnectionType, { description: 'Team admins. From metadataXml, metadataUrl, or typed-in IdP settings.' })
  async createWsFedConnection(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('input', () => WsFedConnectionInput) input: WsFedConnectionInput,
    @Ctx() ctx: GqlContext,
  ): Promise<WsFedConnectionType> {
    requireTeamAdmin(ctx, teamId);
    if (!UUID.test(teamId)) throw new RosterError('NOT_FOUND', 'No such team.');
    await this.svc.deps.core.teams.get(teamId);
    return toConnectionType(await this.svc.create(teamId, toInput(input), actorOf(ctx)), this.svc);
  }

  @Mutation(() => WsFedConnectionType, { description: 'Team admins. Only the fields given change.' })
  async updateWsFedConnection(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => WsFedConnectionInput) input: WsFedConnectionInput,
    @Ctx() ctx: GqlContext,
  ): Promise<WsFedConnectionType> {
    const em = this.svc.em();
    const conn = await this.load(em, id, ctx);
    return toConnectionType(await this.svc.update(em, conn, toInput(input), actorOf(ctx)), this.svc);
  }

  @Mutation(() => Boolean, { description: 'Team admins. Sign-ins through the connection stop at once.' })
  async deleteWsFedConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const em = this.svc.em();
    const conn = await this.load(em, id, ctx);
    await this.svc.remove(em, conn, actorOf(ctx));
    return true;
  }

  @Mutation(() => WsFedConnectionType, {
    description: 'Team admins. Re-reads metadataUrl now; the document must be signed by a certificate the connection already trusts.',
  })
  async refreshWsFedMetadata(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<WsFedConnectionType> {
    const em = this.svc.em();
    const conn = await this.load(em, id, ctx);
    return toConnectionType(await this.svc.refresh(em, conn, actorOf(ctx), { scheduled: false }), this.svc);
  }

  /** Another team's connection answers like a missing one: no probing of ids. */
  private async load(em: Em, id: string, ctx: GqlContext): Promise<WsFedConnectionEntity> {
    const viewer = requireViewer(ctx);
    const conn = await this.svc.find(id, em);
    if (!conn || (!viewer.platformAdmin && viewer.teamId !== conn.teamId))
      throw new RosterError('NOT_FOUND', 'No such WS-Federation connection.');
    requireTeamAdmin(ctx, conn.teamId);
    return conn;
  }
}

@Resolver(() => WsFedConnectionType)
export class WsFedConnectionResolver {
  constructor(private readonly signIn: SignInApi) {}

  @FieldResolver(() => [SignInAttemptType], {
    description: 'The last sign-in attempts through this connection, newest first, with the failing step.',
  })
  async attempts(
    @Root() conn: WsFedConnectionType,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
    @Ctx() ctx: GqlContext,
  ): Promise<SignInAttemptType[]> {
    requireTeamAdmin(ctx, conn.teamId);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new RosterError('BAD_USER_INPUT', 'limit must be between 1 and 200');
    const rows = await this.signIn.attempts(conn.teamId, conn.id, limit);
    return rows.map((r) => Object.assign(new SignInAttemptType(), r));
  }
}

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
import type { AttributeOverrides, SamlConnectionEntity } from '../entity.js';
import { samlError } from '../errors.js';
import { IDP_PRESETS } from '../protocol/index.js';
import { certificateInfo } from '../protocol/xml.js';
import { UUID, describeCertificates, type ConnectionInput, type SamlConnections } from '../service.js';
import {
  SamlAttributeMappingType,
  SamlBindingEnum,
  SamlCertificateType,
  SamlConnectionInput,
  SamlConnectionType,
  SamlIdpPresetEnum,
} from './types.js';

const mapping = (m: AttributeOverrides) =>
  Object.assign(new SamlAttributeMappingType(), {
    email: m.email ?? null,
    givenName: m.givenName ?? null,
    familyName: m.familyName ?? null,
    groups: m.groups ?? null,
  });

export function toConnectionType(c: SamlConnectionEntity, svc: SamlConnections, now: Date = new Date()): SamlConnectionType {
  const urls = svc.urls(c.id);
  const preset = IDP_PRESETS[c.preset] ?? IDP_PRESETS.generic;
  const certificates = describeCertificates(c.idpCertificates, now).map((cert) => Object.assign(new SamlCertificateType(), cert));
  return Object.assign(new SamlConnectionType(), {
    id: c.id,
    teamId: c.teamId,
    name: c.name,
    enabled: c.enabled,
    preset: c.preset as SamlIdpPresetEnum,
    setupHint: preset.setupHint,
    entityId: urls.entityId,
    acsUrl: urls.acsUrl,
    metadataUrl: urls.metadataUrl,
    loginUrl: urls.loginUrl,
    logoutUrl: urls.logoutUrl,
    sloUrl: urls.sloUrl,
    spCertificate: c.spCertificate,
    spCertificateNotAfter: certificateInfo(c.spCertificate).notAfter,
    idpEntityId: c.idpEntityId,
    idpSsoUrl: c.idpSsoUrl,
    idpSsoBinding: c.idpSsoBinding as SamlBindingEnum,
    idpSloUrl: c.idpSloUrl,
    certificates,
    certificateExpiresSoon: certificates.some((cert) => cert.expiresSoon),
    attributeMapping: mapping({
      email: c.attributeOverrides.email ?? preset.email,
      givenName: c.attributeOverrides.givenName ?? preset.givenName,
      familyName: c.attributeOverrides.familyName ?? preset.familyName,
      groups: c.attributeOverrides.groups ?? preset.groups,
    }),
    attributeOverrides: mapping(c.attributeOverrides),
    nameIdFormat: c.nameIdFormat,
    allowSha1: c.allowSha1,
    clockSkewSeconds: c.clockSkewSeconds,
    allowIdpInitiated: c.allowIdpInitiated,
    wantAssertionsSigned: c.wantAssertionsSigned,
    wantResponseSigned: c.wantResponseSigned,
    signAuthnRequests: c.signAuthnRequests,
    trustEmails: c.trustEmails,
    idpMetadataUrl: c.metadataUrl,
    metadataRefreshedAt: c.metadataRefreshedAt,
    metadataCheckedAt: c.metadataCheckedAt,
    metadataError: c.metadataError,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

function toInput(input: SamlConnectionInput): ConnectionInput {
  const out: ConnectionInput = {};
  const copy = <K extends keyof ConnectionInput>(key: K, value: ConnectionInput[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  // GraphQL null on a non-nullable-in-meaning field is "not given".
  copy('name', input.name ?? undefined);
  copy('enabled', input.enabled ?? undefined);
  copy('preset', input.preset ?? undefined);
  copy('metadataXml', input.metadataXml ?? undefined);
  copy('metadataUrl', input.metadataUrl);
  copy('idpEntityId', input.idpEntityId ?? undefined);
  copy('idpSsoUrl', input.idpSsoUrl ?? undefined);
  copy('idpSsoBinding', input.idpSsoBinding ?? undefined);
  copy('idpSloUrl', input.idpSloUrl);
  copy('idpCertificates', input.idpCertificates ?? undefined);
  copy('nameIdFormat', input.nameIdFormat);
  copy('allowSha1', input.allowSha1 ?? undefined);
  copy('clockSkewSeconds', input.clockSkewSeconds ?? undefined);
  copy('allowIdpInitiated', input.allowIdpInitiated ?? undefined);
  copy('wantAssertionsSigned', input.wantAssertionsSigned ?? undefined);
  copy('wantResponseSigned', input.wantResponseSigned ?? undefined);
  copy('signAuthnRequests', input.signAuthnRequests ?? undefined);
  copy('trustEmails', input.trustEmails ?? undefined);
  if (input.attributeMapping === null) out.attributeOverrides = null;
  else if (input.attributeMapping !== undefined) {
    const o: AttributeOverrides = {};
    for (const key of ['email', 'givenName', 'familyName', 'groups'] as const) {
      const value = input.attributeMapping[key];
      if (value != null) o[key] = value;
    }
    out.attributeOverrides = o;
  }
  return out;
}

/** `Team.samlConnections` and the admin mutations (R18). Every change is audited by the service (R19). */
@Resolver(() => TeamType)
export class SamlTeamResolver {
  constructor(private readonly svc: SamlConnections) {}

  @FieldResolver(() => [SamlConnectionType], {
    description: 'SAML 2.0 connections with the SP values to paste into the IdP. Team admins only.',
  })
  async samlConnections(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<SamlConnectionType[]> {
    requireTeamAdmin(ctx, team.id);
    const now = new Date();
    return (await this.svc.list(team.id)).map((c) => toConnectionType(c, this.svc, now));
  }

  @Mutation(() => SamlConnectionType, {
    description: 'Team admins. The IdP side from metadataXml, metadataUrl, or typed-in fields; a new SP key pair is generated.',
  })
  async createSamlConnection(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('input', () => SamlConnectionInput) input: SamlConnectionInput,
    @Ctx() ctx: GqlContext,
  ): Promise<SamlConnectionType> {
    requireTeamAdmin(ctx, teamId);
    if (!UUID.test(teamId)) throw new RosterError('NOT_FOUND', 'No such team.');
    await this.svc.deps.core.teams.get(teamId);
    return toConnectionType(await this.svc.create(teamId, toInput(input), actorOf(ctx)), this.svc);
  }

  @Mutation(() => SamlConnectionType, { description: 'Team admins. Only the fields given change.' })
  async updateSamlConnection(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => SamlConnectionInput) input: SamlConnectionInput,
    @Ctx() ctx: GqlContext,
  ): Promise<SamlConnectionType> {
    const em = this.svc.em();
    const conn = await this.load(em, id, ctx);
    return toConnectionType(await this.svc.update(em, conn, toInput(input), actorOf(ctx)), this.svc);
  }

  @Mutation(() => Boolean, { description: 'Team admins. Sign-ins through the connection stop at once.' })
  async deleteSamlConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const em = this.svc.em();
    const conn = await this.load(em, id, ctx);
    await this.svc.remove(em, conn, actorOf(ctx));
    return true;
  }

  @Mutation(() => SamlConnectionType, {
    description: 'Team admins. Re-reads the IdP metadata URL now (certificate rollover, new endpoints).',
  })
  async refreshSamlMetadata(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<SamlConnectionType> {
    const em = this.svc.em();
    const conn = await this.load(em, id, ctx);
    return toConnectionType(await this.svc.refresh(em, conn, actorOf(ctx), { scheduled: false }), this.svc);
  }

  /** Another team's connection answers like a missing one: no probing of ids. */
  private async load(em: Em, id: string, ctx: GqlContext): Promise<SamlConnectionEntity> {
    const viewer = requireViewer(ctx);
    const conn = await this.svc.find(id, em);
    if (!conn || (!viewer.platformAdmin && viewer.teamId !== conn.teamId)) throw samlError('SAML_CONNECTION_NOT_FOUND');
    requireTeamAdmin(ctx, conn.teamId);
    return conn;
  }
}

@Resolver(() => SamlConnectionType)
export class SamlConnectionResolver {
  constructor(private readonly signIn: SignInApi) {}

  @FieldResolver(() => [SignInAttemptType], {
    description: 'The last sign-in attempts through this connection, newest first, with the failing step and reason.',
  })
  async attempts(
    @Root() conn: SamlConnectionType,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
    @Ctx() ctx: GqlContext,
  ): Promise<SignInAttemptType[]> {
    requireTeamAdmin(ctx, conn.teamId);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new RosterError('BAD_USER_INPUT', 'limit must be between 1 and 200');
    const rows = await this.signIn.attempts(conn.teamId, conn.id, limit);
    return rows.map((r) => Object.assign(new SignInAttemptType(), r));
  }
}

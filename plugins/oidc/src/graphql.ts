/**
 * GraphQL for OIDC connections (team admins) and home-realm discovery (anyone):
 *   Team.oidcConnections, OidcConnection.attempts(limit)
 *   createOidcConnection / updateOidcConnection / deleteOidcConnection
 *   signInOptions(email, returnTo)
 * The client secret and the private key are write-only: only `hasClientSecret` and the public
 * JWK come back.
 */
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import {
  SignInAttemptType,
  SignInMethodEnum,
  TeamType,
  actorOf,
  requireTeamAdmin,
  type PluginGraphQLContext as GqlContext,
} from '@roster/plugin-sdk';
import type { OidcConnectionRecord } from './entity.js';
import { failOidc } from './errors.js';
import { signInOptions } from './home-realm.js';
import { effectiveMapping } from './protocol/claims.js';
import { presetFor, type ProviderPresetId } from './protocol/presets.js';
import type { ClaimMapping, TokenEndpointAuthMethod } from './protocol/types.js';
import type { ConnectionDraft, OidcService } from './service.js';

export enum OidcProviderEnum {
  generic = 'generic',
  okta = 'okta',
  entra = 'entra',
  auth0 = 'auth0',
  onelogin = 'onelogin',
  duo = 'duo',
  google = 'google',
  keycloak = 'keycloak',
}
export enum OidcTokenEndpointAuthMethodEnum {
  client_secret_basic = 'client_secret_basic',
  client_secret_post = 'client_secret_post',
  private_key_jwt = 'private_key_jwt',
}
registerEnumType(OidcProviderEnum, { name: 'OidcProvider', description: 'Preset for default scopes and claim mapping.' });
registerEnumType(OidcTokenEndpointAuthMethodEnum, { name: 'OidcTokenEndpointAuthMethod' });

@ObjectType('OidcClaimMapping', { description: 'Claims each identity field is read from, tried in order (preset merged with overrides).' })
export class OidcClaimMappingType {
  @Field(() => [String]) email!: string[];
  @Field(() => [String]) emailVerified!: string[];
  @Field(() => [String]) givenName!: string[];
  @Field(() => [String]) familyName!: string[];
  @Field(() => [String]) name!: string[];
  @Field(() => [String]) groups!: string[];
}

@ObjectType('OidcConnection', { description: 'A team’s OpenID Connect connection.' })
export class OidcConnectionType {
  @Field(() => ID) id!: string;
  @Field(() => ID) teamId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => OidcProviderEnum) provider!: OidcProviderEnum;
  @Field(() => String) issuer!: string;
  @Field(() => String) clientId!: string;
  @Field(() => Boolean, { description: 'The secret itself is stored encrypted and never returned.' }) hasClientSecret!: boolean;
  @Field(() => OidcTokenEndpointAuthMethodEnum) tokenEndpointAuthMethod!: OidcTokenEndpointAuthMethodEnum;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Public key for private_key_jwt: paste into the IdP.' })
  publicJwk!: Record<string, unknown> | null;
  @Field(() => String, { nullable: true, description: 'JWKS URL serving publicJwk, for IdPs that fetch client keys.' }) jwksUri!:
    string | null;
  @Field(() => [String], { description: 'Scopes requested (the preset’s when none were set).' }) scopes!: string[];
  @Field(() => OidcClaimMappingType) claimMapping!: OidcClaimMappingType;
  @Field(() => String, { nullable: true, description: 'Google Workspace: only accounts whose hd claim equals this domain.' })
  hostedDomain!: string | null;
  @Field(() => [String], { description: 'Entra multi-tenant issuers: allowed tenant ids (tid).' }) tenantIds!: string[];
  @Field(() => Boolean) allowInsecureRequests!: boolean;
  @Field(() => Boolean, { nullable: true }) useUserinfo!: boolean | null;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, { description: 'Paste into the IdP as the sign-in redirect URI (one per connection).' }) redirectUri!: string;
  @Field(() => Boolean, {
    description:
      'True while the connection still uses the shared /oidc/callback redirect URI. Register redirectUriHint at the IdP, then set useConnectionRedirectUri: the shared URI leaves the connection open to IdP mix-up attacks (RFC 9700 4.4).',
  })
  legacyRedirectUri!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'For a connection on the shared redirect URI: the per-connection redirect URI to register at the IdP before moving to it.',
  })
  redirectUriHint!: string | null;
  @Field(() => String, { description: 'Starts a sign-in through this connection (SP-initiated).' }) loginUrl!: string;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO) updatedAt!: Date;
}

@ObjectType('SsoEntryPoint', { description: 'One way into a team’s SSO, as home-realm discovery lists it.' })
export class SsoEntryPointType {
  @Field(() => String) protocol!: string;
  @Field(() => ID) connectionId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String) loginUrl!: string;
}

@ObjectType('SignInOptions', { description: 'What a person may use to sign in, decided from their email’s domain only.' })
export class SignInOptionsType {
  @Field(() => String) domain!: string;
  @Field(() => [SignInMethodEnum]) methods!: SignInMethodEnum[];
  @Field(() => Boolean) ssoRequired!: boolean;
  @Field(() => String, { nullable: true, description: 'The team’s SSO sign-in when the domain is verified.' }) redirectUrl!: string | null;
  @Field(() => String, { nullable: true }) googleUrl!: string | null;
  @Field(() => [SsoEntryPointType]) connections!: SsoEntryPointType[];
}

@InputType('OidcClaimMappingInput', { description: 'Overrides of the preset’s claim names; each list is tried in order.' })
export class OidcClaimMappingInput {
  @Field(() => [String], { nullable: true }) email?: string[] | null;
  @Field(() => [String], { nullable: true }) emailVerified?: string[] | null;
  @Field(() => [String], { nullable: true }) givenName?: string[] | null;
  @Field(() => [String], { nullable: true }) familyName?: string[] | null;
  @Field(() => [String], { nullable: true }) name?: string[] | null;
  @Field(() => [String], { nullable: true }) groups?: string[] | null;
}

@InputType('CreateOidcConnectionInput')
export class CreateOidcConnectionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => OidcProviderEnum, { defaultValue: OidcProviderEnum.generic }) provider!: OidcProviderEnum;
  @Field(() => String, { description: 'Issuer; discovery reads {issuer}/.well-known/openid-configuration.' }) issuer!: string;
  @Field(() => String) clientId!: string;
  @Field(() => String, { nullable: true, description: 'Stored encrypted; never returned.' }) clientSecret?: string | null;
  @Field(() => OidcTokenEndpointAuthMethodEnum, { defaultValue: OidcTokenEndpointAuthMethodEnum.client_secret_basic })
  tokenEndpointAuthMethod!: OidcTokenEndpointAuthMethodEnum;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'private_key_jwt: your private JWK (stored encrypted). Omit to let Roster generate one.',
  })
  privateKeyJwk?: Record<string, unknown> | null;
  @Field(() => [String], { nullable: true }) scopes?: string[] | null;
  @Field(() => OidcClaimMappingInput, { nullable: true }) claimMapping?: OidcClaimMappingInput | null;
  @Field(() => String, { nullable: true }) hostedDomain?: string | null;
  @Field(() => [String], { nullable: true }) tenantIds?: string[] | null;
  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Plain-http issuer: honoured only when the operator allows insecure issuers (tests).',
  })
  allowInsecureRequests!: boolean;
  @Field(() => Boolean, { nullable: true }) useUserinfo?: boolean | null;
  @Field(() => Boolean, { defaultValue: true }) enabled!: boolean;
}

@InputType('UpdateOidcConnectionInput', { description: 'Omitted fields keep their value; null resets to the default.' })
export class UpdateOidcConnectionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => OidcProviderEnum, { nullable: true }) provider?: OidcProviderEnum | null;
  @Field(() => String, { nullable: true }) issuer?: string | null;
  @Field(() => String, { nullable: true }) clientId?: string | null;
  @Field(() => String, { nullable: true, description: 'A new secret; null or "" removes it.' }) clientSecret?: string | null;
  @Field(() => OidcTokenEndpointAuthMethodEnum, { nullable: true }) tokenEndpointAuthMethod?: OidcTokenEndpointAuthMethodEnum | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) privateKeyJwk?: Record<string, unknown> | null;
  @Field(() => Boolean, { nullable: true, description: 'Generate a new private_key_jwt key pair.' }) rotateClientKey?: boolean | null;
  @Field(() => [String], { nullable: true }) scopes?: string[] | null;
  @Field(() => OidcClaimMappingInput, { nullable: true }) claimMapping?: OidcClaimMappingInput | null;
  @Field(() => String, { nullable: true }) hostedDomain?: string | null;
  @Field(() => [String], { nullable: true }) tenantIds?: string[] | null;
  @Field(() => Boolean, { nullable: true }) allowInsecureRequests?: boolean | null;
  @Field(() => Boolean, { nullable: true }) useUserinfo?: boolean | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: move a connection from the shared /oidc/callback to its own redirect URI (register it at the IdP first). One way only.',
  })
  useConnectionRedirectUri?: boolean | null;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function mappingFrom(input: OidcClaimMappingInput | null | undefined): ClaimMapping | null | undefined {
  if (input === undefined || input === null) return input;
  const out: ClaimMapping = {};
  for (const field of ['email', 'emailVerified', 'givenName', 'familyName', 'name', 'groups'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

function draftFrom(input: CreateOidcConnectionInput | UpdateOidcConnectionInput): ConnectionDraft {
  // GraphQL omits absent fields (undefined: keep) and passes explicit nulls (reset).
  return {
    name: input.name,
    provider: input.provider as ProviderPresetId | null | undefined,
    issuer: input.issuer,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod as TokenEndpointAuthMethod | null | undefined,
    privateKeyJwk: input.privateKeyJwk,
    rotateClientKey: 'rotateClientKey' in input ? input.rotateClientKey : undefined,
    scopes: input.scopes,
    claimMapping: mappingFrom(input.claimMapping),
    hostedDomain: input.hostedDomain,
    tenantIds: input.tenantIds,
    allowInsecureRequests: input.allowInsecureRequests,
    useUserinfo: input.useUserinfo,
    enabled: input.enabled,
    useConnectionRedirectUri: 'useConnectionRedirectUri' in input ? input.useConnectionRedirectUri : undefined,
  };
}

export function toConnectionType(service: OidcService, c: OidcConnectionRecord): OidcConnectionType {
  const mapping = effectiveMapping(c);
  return Object.assign(new OidcConnectionType(), {
    id: c.id,
    teamId: c.teamId,
    name: c.name,
    provider: c.provider as OidcProviderEnum,
    issuer: c.issuer,
    clientId: c.clientId,
    hasClientSecret: c.clientSecretEncrypted !== null,
    tokenEndpointAuthMethod: c.tokenEndpointAuthMethod as OidcTokenEndpointAuthMethodEnum,
    publicJwk: c.publicJwk,
    jwksUri: c.publicJwk ? service.jwksUri(c.id) : null,
    scopes: c.scopes.length > 0 ? c.scopes : presetFor(c.provider).scopes,
    claimMapping: Object.assign(new OidcClaimMappingType(), {
      email: list(mapping.email),
      emailVerified: list(mapping.emailVerified),
      givenName: list(mapping.givenName),
      familyName: list(mapping.familyName),
      name: list(mapping.name),
      groups: list(mapping.groups),
    }),
    hostedDomain: c.hostedDomain,
    tenantIds: c.tenantIds,
    allowInsecureRequests: c.allowInsecureRequests,
    useUserinfo: c.useUserinfo,
    enabled: c.enabled,
    redirectUri: service.redirectUriOf(c),
    legacyRedirectUri: c.legacyCallback,
    redirectUriHint: c.legacyCallback ? service.connectionRedirectUri(c.id) : null,
    loginUrl: service.loginUrl(c.id),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

@Resolver(() => TeamType)
export class OidcTeamResolver {
  constructor(private readonly service: OidcService) {}

  @FieldResolver(() => [OidcConnectionType], { description: 'The team’s OpenID Connect connections. Team admins only.' })
  async oidcConnections(@Root() team: TeamType, @Ctx() ctx: GqlContext): Promise<OidcConnectionType[]> {
    requireTeamAdmin(ctx, team.id);
    return (await this.service.list(team.id)).map((c) => toConnectionType(this.service, c));
  }

  @Mutation(() => OidcConnectionType, {
    description: 'Adds an OpenID Connect connection; runs the provider’s discovery first and refuses one that fails.',
  })
  async createOidcConnection(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('input', () => CreateOidcConnectionInput) input: CreateOidcConnectionInput,
    @Ctx() ctx: GqlContext,
  ): Promise<OidcConnectionType> {
    requireTeamAdmin(ctx, teamId);
    return toConnectionType(this.service, await this.service.create(teamId, draftFrom(input), actorOf(ctx)));
  }

  @Mutation(() => OidcConnectionType)
  async updateOidcConnection(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateOidcConnectionInput) input: UpdateOidcConnectionInput,
    @Ctx() ctx: GqlContext,
  ): Promise<OidcConnectionType> {
    const record = await this.load(id, ctx);
    return toConnectionType(this.service, await this.service.update(record.id, record.teamId, draftFrom(input), actorOf(ctx)));
  }

  @Mutation(() => Boolean)
  async deleteOidcConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<boolean> {
    const record = await this.load(id, ctx);
    await this.service.remove(record.id, record.teamId, actorOf(ctx));
    return true;
  }

  @Query(() => SignInOptionsType, {
    nullable: true,
    description:
      'Home-realm discovery: where a person with this email signs in. The answer depends on the email’s domain only, never on whether an account exists.',
  })
  async signInOptions(
    @Arg('email', () => String) email: string,
    @Arg('returnTo', () => String, { nullable: true }) returnTo: string | null | undefined,
  ): Promise<SignInOptionsType> {
    const answer = await signInOptions(this.service, email, returnTo);
    return Object.assign(new SignInOptionsType(), {
      ...answer,
      methods: answer.methods as unknown as SignInMethodEnum[],
      connections: answer.connections.map((c) => Object.assign(new SsoEntryPointType(), c)),
    });
  }

  private async load(id: string, ctx: GqlContext): Promise<OidcConnectionRecord> {
    const record = await this.service.find(id);
    if (!record) failOidc('OIDC_CONNECTION_NOT_FOUND');
    requireTeamAdmin(ctx, record.teamId);
    return record;
  }
}

@Resolver(() => OidcConnectionType)
export class OidcConnectionResolver {
  constructor(private readonly service: OidcService) {}

  @FieldResolver(() => [SignInAttemptType], {
    description: 'The last sign-in attempts on this connection, newest first, with the failing step.',
  })
  attempts(
    @Root() conn: OidcConnectionType,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
    @Ctx() ctx: GqlContext,
  ): Promise<SignInAttemptType[]> {
    requireTeamAdmin(ctx, conn.teamId);
    return this.service.env.signIn
      .attempts(conn.teamId, conn.id, limit)
      .then((rows) => rows.map((r) => Object.assign(new SignInAttemptType(), r)));
  }
}

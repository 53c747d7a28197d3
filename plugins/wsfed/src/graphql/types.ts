import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

export enum WsFedClaimPresetEnum {
  adfs = 'adfs',
  entra = 'entra',
}
registerEnumType(WsFedClaimPresetEnum, {
  name: 'WsFedClaimPreset',
  description:
    'Which claim types become email, names, UPN and groups: `adfs` (xmlsoap claim types) or `entra` (Microsoft claim types, object id as subject fallback).',
});

/** Shared by the connection type and its input: what turning it on means. */
const TRUST_EMAILS =
  'The IdP is trusted to vouch for the email addresses it asserts, in any domain: a member whose email matches is linked on first sign-in and just-in-time provisioning may create members with it. Off by default: only addresses in domains this team verified are then linked or created. Turn on only for an IdP that verifies its users’ addresses (a corporate directory), never for one where people choose their own.';

@ObjectType('WsFedClaimMapping', { description: 'Claim types per identity field, in priority order (groups: the union).' })
export class WsFedClaimMappingType {
  @Field(() => [String], { nullable: true }) email?: string[];
  @Field(() => [String], { nullable: true }) givenName?: string[];
  @Field(() => [String], { nullable: true }) familyName?: string[];
  @Field(() => [String], { nullable: true }) displayName?: string[];
  @Field(() => [String], { nullable: true }) upn?: string[];
  @Field(() => [String], { nullable: true }) groups?: string[];
  @Field(() => [String], { nullable: true }) objectId?: string[];
  @Field(() => [String], { nullable: true }) tenantId?: string[];
}

@InputType('WsFedClaimMappingInput', {
  description: 'Replaces single fields of the preset, e.g. `{ email: [".../emailaddress", ".../upn"] }`.',
})
export class WsFedClaimMappingInput {
  @Field(() => [String], { nullable: true }) email?: string[] | null;
  @Field(() => [String], { nullable: true }) givenName?: string[] | null;
  @Field(() => [String], { nullable: true }) familyName?: string[] | null;
  @Field(() => [String], { nullable: true }) displayName?: string[] | null;
  @Field(() => [String], { nullable: true }) upn?: string[] | null;
  @Field(() => [String], { nullable: true }) groups?: string[] | null;
  @Field(() => [String], { nullable: true }) objectId?: string[] | null;
  @Field(() => [String], { nullable: true }) tenantId?: string[] | null;
}

@ObjectType('WsFedCertificate', {
  description: 'An IdP token-signing certificate the connection trusts; several may overlap during a rollover.',
})
export class WsFedCertificateType {
  @Field(() => String) fingerprintSha256!: string;
  @Field(() => String) subject!: string;
  @Field(() => GraphQLDateTimeISO) notBefore!: Date;
  @Field(() => GraphQLDateTimeISO) notAfter!: Date;
  @Field(() => Boolean) expired!: boolean;
  @Field(() => Int) daysUntilExpiry!: number;
  @Field(() => Boolean, { description: 'Expired or expires within 30 days: roll the certificate over (or refresh the metadata).' })
  expiryWarning!: boolean;
  @Field(() => String, { description: 'PEM text.' }) pem!: string;
}

@ObjectType('WsFedConnection', { description: "A team's WS-Federation connection (ADFS, Entra ID). Team admins only." })
export class WsFedConnectionType {
  @Field(() => ID) id!: string;
  @Field(() => ID) teamId!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean) enabled!: boolean;

  @Field(() => String, {
    description:
      'Relying-party identifier (`wtrealm`) to enter in the IdP: ADFS "Relying party trust identifier", Entra "Application ID URI".',
  })
  realm!: string;
  @Field(() => String, {
    description:
      'Where the IdP posts the token (`wreply`): ADFS "WS-Federation Passive protocol URL", Entra "Redirect URI (Web)". Also receives wsignoutcleanup1.0.',
  })
  replyUrl!: string;
  @Field(() => String, { description: 'Starts a sign-in through this connection (`?return_to=/path`).' }) loginUrl!: string;
  @Field(() => String, { description: 'Signs out of Roster and of the IdP (wsignout1.0).' }) logoutUrl!: string;

  @Field(() => String, { description: 'IdP entityID; the token issuer must equal it.' }) idpIssuer!: string;
  @Field(() => String, { description: 'IdP passive requestor endpoint.' }) idpSignInUrl!: string;
  @Field(() => String, { nullable: true }) idpSignOutUrl!: string | null;
  @Field(() => [WsFedCertificateType]) certificates!: WsFedCertificateType[];
  @Field(() => Boolean, { description: 'Accept RSA-SHA1 signatures (old ADFS farms only).' }) allowSha1!: boolean;
  @Field(() => Boolean, { description: TRUST_EMAILS }) trustEmails!: boolean;
  @Field(() => Int) clockSkewSeconds!: number;
  @Field(() => WsFedClaimPresetEnum) claimPreset!: WsFedClaimPresetEnum;
  @Field(() => WsFedClaimMappingType, { description: 'Fields replaced on top of the preset.' }) claimOverrides!: WsFedClaimMappingType;
  @Field(() => WsFedClaimMappingType, { description: 'The mapping in effect (preset + overrides).' }) claimMapping!: WsFedClaimMappingType;

  @Field(() => String, { nullable: true, description: 'FederationMetadata.xml URL, refreshed on a schedule.' }) metadataUrl!: string | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Last successful import from metadataUrl.' })
  metadataRefreshedAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Last attempt, successful or not.' }) metadataCheckedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the last refresh failed (cleared by the next success).' }) metadataError!:
    string | null;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO) updatedAt!: Date;
}

@InputType('WsFedConnectionInput', {
  description:
    'Create: metadataXml / metadataUrl, or idpIssuer + idpSignInUrl + signingCertificates. Update: only the fields given change; metadataXml / metadataUrl re-import the IdP side.',
})
export class WsFedConnectionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => String, { nullable: true, description: 'FederationMetadata.xml text; sets idpIssuer, idpSignInUrl and the certificates.' })
  metadataXml?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'FederationMetadata.xml URL (https); imported now and refreshed on a schedule. null stops the refresh.',
  })
  metadataUrl?: string | null;
  @Field(() => String, { nullable: true }) idpIssuer?: string | null;
  @Field(() => String, { nullable: true }) idpSignInUrl?: string | null;
  @Field(() => String, { nullable: true, description: 'Only when sign-out uses another endpoint than sign-in.' }) idpSignOutUrl?:
    string | null;
  @Field(() => [String], { nullable: true, description: 'PEM or base64 DER token-signing certificates (1–10).' }) signingCertificates?:
    string[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'Defaults to `<public URL>/wsfed/<id>`. Entra ID may need `api://<client id>` or a verified-domain URI.',
  })
  realm?: string | null;
  @Field(() => String, { nullable: true, description: 'Defaults to `<public URL>/wsfed/<id>/acs`.' }) replyUrl?: string | null;
  @Field(() => Boolean, { nullable: true }) allowSha1?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: TRUST_EMAILS }) trustEmails?: boolean | null;
  @Field(() => Int, { nullable: true, description: '0–600, default 120.' }) clockSkewSeconds?: number | null;
  @Field(() => WsFedClaimPresetEnum, { nullable: true }) claimPreset?: WsFedClaimPresetEnum | null;
  @Field(() => WsFedClaimMappingInput, { nullable: true, description: 'Replaces the overrides as a whole; null clears them.' })
  claimOverrides?: WsFedClaimMappingInput | null;
}

import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

export enum SamlIdpPresetEnum {
  okta = 'okta',
  entra = 'entra',
  auth0 = 'auth0',
  duo = 'duo',
  onelogin = 'onelogin',
  google = 'google',
  adfs = 'adfs',
  jumpcloud = 'jumpcloud',
  ping = 'ping',
  generic = 'generic',
}
registerEnumType(SamlIdpPresetEnum, {
  name: 'SamlIdpPreset',
  description: 'IdP preset: attribute names for email, first/last name and groups.',
});

export enum SamlBindingEnum {
  redirect = 'redirect',
  post = 'post',
}
registerEnumType(SamlBindingEnum, { name: 'SamlBinding', description: 'How AuthnRequests reach the IdP: HTTP-Redirect or HTTP-POST.' });

/** Shared by the connection type and its input: what turning it on means. */
const TRUST_EMAILS =
  'The IdP is trusted to vouch for the email addresses it asserts, in any domain: a member whose email matches is linked on first sign-in and just-in-time provisioning may create members with it. Off by default: only addresses in domains this team verified are then linked or created. Turn on only for an IdP that verifies its users’ addresses (a corporate directory), never for one where people choose their own.';

@ObjectType('SamlCertificate', { description: 'An IdP signing certificate the connection trusts; several may overlap during a rollover.' })
export class SamlCertificateType {
  @Field(() => String) fingerprintSha256!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) issuer!: string;
  @Field(() => GraphQLDateTimeISO) notBefore!: Date;
  @Field(() => GraphQLDateTimeISO) notAfter!: Date;
  @Field(() => Boolean) expired!: boolean;
  @Field(() => Boolean, { description: 'Expires within 30 days (or already has): time to add the next certificate.' })
  expiresSoon!: boolean;
  @Field(() => Int) daysLeft!: number;
  @Field(() => String, { description: 'PEM.' }) pem!: string;
}

@ObjectType('SamlAttributeMapping', { description: 'Attribute names per identity field, tried in order (groups: the union).' })
export class SamlAttributeMappingType {
  @Field(() => [String], { nullable: true }) email!: string[] | null;
  @Field(() => [String], { nullable: true }) givenName!: string[] | null;
  @Field(() => [String], { nullable: true }) familyName!: string[] | null;
  @Field(() => [String], { nullable: true }) groups!: string[] | null;
}

@ObjectType('SamlConnection', { description: "A team's SAML 2.0 connection. Team admins only." })
export class SamlConnectionType {
  @Field(() => ID) id!: string;
  @Field(() => ID) teamId!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => SamlIdpPresetEnum) preset!: SamlIdpPresetEnum;
  @Field(() => String, { description: 'What to configure at the IdP for this preset.' }) setupHint!: string;

  @Field(() => String, { description: 'SP entity id (Audience / Identifier) to paste into the IdP.' }) entityId!: string;
  @Field(() => String, { description: 'Assertion Consumer Service URL (Single sign-on URL / Reply URL) to paste into the IdP.' })
  acsUrl!: string;
  @Field(() => String, { description: 'SP metadata URL: entity id, ACS, SLO and the SP certificate in one document.' })
  metadataUrl!: string;
  @Field(() => String, { description: 'Where the app sends people to sign in (`?return_to=` a path or allowed origin).' })
  loginUrl!: string;
  @Field(() => String, { description: 'SP-initiated single logout.' }) logoutUrl!: string;
  @Field(() => String, { description: 'Single Logout Service URL for the IdP.' }) sloUrl!: string;
  @Field(() => String, { description: 'SP signing / encryption certificate (PEM), generated for this connection.' }) spCertificate!: string;
  @Field(() => GraphQLDateTimeISO) spCertificateNotAfter!: Date;

  @Field(() => String) idpEntityId!: string;
  @Field(() => String) idpSsoUrl!: string;
  @Field(() => SamlBindingEnum) idpSsoBinding!: SamlBindingEnum;
  @Field(() => String, { nullable: true }) idpSloUrl!: string | null;
  @Field(() => [SamlCertificateType]) certificates!: SamlCertificateType[];
  @Field(() => Boolean, { description: 'Some trusted IdP certificate expires within 30 days or has expired.' })
  certificateExpiresSoon!: boolean;

  @Field(() => SamlAttributeMappingType, { description: 'Preset merged with the overrides: what sign-in reads.' })
  attributeMapping!: SamlAttributeMappingType;
  @Field(() => SamlAttributeMappingType, { description: 'The admin’s overrides of the preset.' })
  attributeOverrides!: SamlAttributeMappingType;
  @Field(() => String, { nullable: true }) nameIdFormat!: string | null;
  @Field(() => Boolean) allowSha1!: boolean;
  @Field(() => Int) clockSkewSeconds!: number;
  @Field(() => Boolean) allowIdpInitiated!: boolean;
  @Field(() => Boolean) wantAssertionsSigned!: boolean;
  @Field(() => Boolean) wantResponseSigned!: boolean;
  @Field(() => Boolean) signAuthnRequests!: boolean;
  @Field(() => Boolean, { description: TRUST_EMAILS }) trustEmails!: boolean;

  @Field(() => String, { nullable: true, description: 'IdP metadata URL, refreshed on a schedule.' }) idpMetadataUrl!: string | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) metadataRefreshedAt!: Date | null;
  @Field(() => GraphQLDateTimeISO, { nullable: true }) metadataCheckedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why the last metadata refresh failed (the previous values stay in use).' })
  metadataError!: string | null;
  @Field(() => GraphQLDateTimeISO) createdAt!: Date;
  @Field(() => GraphQLDateTimeISO) updatedAt!: Date;
}

@InputType('SamlAttributeMappingInput', { description: 'Overrides of the preset’s attribute names; null or omitted keeps the preset’s.' })
export class SamlAttributeMappingInput {
  @Field(() => [String], { nullable: true }) email?: string[] | null;
  @Field(() => [String], { nullable: true }) givenName?: string[] | null;
  @Field(() => [String], { nullable: true }) familyName?: string[] | null;
  @Field(() => [String], { nullable: true }) groups?: string[] | null;
}

/**
 * The IdP side comes from exactly one of `metadataXml`, `metadataUrl` or the typed-in
 * `idpEntityId` + `idpSsoUrl` + `idpCertificates` (`idpEntityId` also picks one IdP out of an
 * aggregate metadata document). On update, omitted fields keep their value.
 */
@InputType('SamlConnectionInput')
export class SamlConnectionInput {
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean;
  @Field(() => SamlIdpPresetEnum, { nullable: true }) preset?: SamlIdpPresetEnum;
  @Field(() => String, { nullable: true, description: 'IdP metadata XML.' }) metadataXml?: string;
  @Field(() => String, {
    nullable: true,
    description: 'IdP metadata URL (https in production), refreshed on a schedule; null stops refreshing.',
  })
  metadataUrl?: string | null;
  @Field(() => String, { nullable: true }) idpEntityId?: string;
  @Field(() => String, { nullable: true }) idpSsoUrl?: string;
  @Field(() => SamlBindingEnum, { nullable: true }) idpSsoBinding?: SamlBindingEnum;
  @Field(() => String, { nullable: true }) idpSloUrl?: string | null;
  @Field(() => [String], { nullable: true, description: 'PEM or base64 DER; several during a rollover.' }) idpCertificates?: string[];
  @Field(() => SamlAttributeMappingInput, { nullable: true }) attributeMapping?: SamlAttributeMappingInput | null;
  @Field(() => String, { nullable: true }) nameIdFormat?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Accept RSA-SHA1 from this IdP (off by default).' }) allowSha1?: boolean;
  @Field(() => Int, { nullable: true, description: 'Tolerance for NotBefore / NotOnOrAfter (0–900, default 180).' })
  clockSkewSeconds?: number;
  @Field(() => Boolean, { nullable: true, description: 'Accept unsolicited (IdP-initiated) responses (off by default).' })
  allowIdpInitiated?: boolean;
  @Field(() => Boolean, { nullable: true }) wantAssertionsSigned?: boolean;
  @Field(() => Boolean, { nullable: true }) wantResponseSigned?: boolean;
  @Field(() => Boolean, { nullable: true }) signAuthnRequests?: boolean;
  @Field(() => Boolean, { nullable: true, description: TRUST_EMAILS }) trustEmails?: boolean;
}

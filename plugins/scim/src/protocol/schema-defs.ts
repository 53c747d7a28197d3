/**
 * What Roster supports of RFC 7643, as data. The discovery documents (/Schemas), request
 * parsing, PATCH path resolution, filters and projection all read these definitions, so what
 * the server says it supports and what it does cannot drift apart.
 */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
  /**
   * Roster always holds a value for it (a column with no "unassigned" state, like `active`):
   * a remove or a null is refused (400 invalidValue) rather than answered 204 with nothing
   * changed. Not published in /Schemas (RFC 7643 has no such characteristic).
   */
  alwaysAssigned?: boolean;
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

export interface ResourceDef {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: SchemaDef;
  extensions: Array<{ schema: SchemaDef; required: boolean }>;
}

export const USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LICENSE_USER_SCHEMA_ID = 'urn:roster:params:scim:schemas:extension:license:2.0:User';

type Options = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, o: Options = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...o,
  };
}

const complex = (name: string, description: string, subAttributes: AttributeDef[], o: Options = {}): AttributeDef =>
  attr(name, 'complex', description, { ...o, subAttributes });

/** The `value / display / type / primary` shape of multi-valued attributes (RFC 7643 §2.4). */
function multi(name: string, description: string, types: string[], extra: AttributeDef[] = []): AttributeDef {
  return complex(
    name,
    description,
    [
      attr('value', 'string', `The ${name} value.`),
      attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      attr('type', 'string', 'A label indicating the function of the value.', { canonicalValues: types }),
      attr('primary', 'boolean', 'Whether this is the primary value; at most one value is primary.'),
      ...extra,
    ],
    { multiValued: true },
  );
}

/** Attributes every resource has (RFC 7643 §3.1); not listed in /Schemas, as the RFC's own examples do. */
export const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'string', 'Unique identifier assigned by the service provider.', {
    mutability: 'readOnly',
    returned: 'always',
    caseExact: true,
    uniqueness: 'server',
  }),
  attr('externalId', 'string', "The client's identifier for the resource.", { caseExact: true }),
  complex(
    'meta',
    'Resource metadata.',
    [
      attr('resourceType', 'string', 'The resource type.', { mutability: 'readOnly', caseExact: true }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { mutability: 'readOnly', caseExact: true, referenceTypes: ['uri'] }),
      attr('version', 'string', 'The weak ETag of the resource.', { mutability: 'readOnly', caseExact: true }),
    ],
    { mutability: 'readOnly' },
  ),
];

export const USER_SCHEMA: SchemaDef = {
  id: USER_SCHEMA_ID,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the User, typically the email address they sign in with.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', "The components of the user's name.", [
      attr('formatted', 'string', 'The full name, formatted for display.'),
      attr('familyName', 'string', 'The family name (last name).'),
      attr('givenName', 'string', 'The given name (first name).'),
      attr('middleName', 'string', 'The middle name(s).'),
      attr('honorificPrefix', 'string', 'The honorific prefix(es), e.g. "Ms.".'),
      attr('honorificSuffix', 'string', 'The honorific suffix(es), e.g. "III".'),
    ]),
    attr('displayName', 'string', 'The name of the User, suitable for display.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', "A URI of the user's online profile.", { referenceTypes: ['external'] }),
    attr('title', 'string', 'The user\'s title, such as "Vice President".'),
    attr('userType', 'string', 'The relationship between the organization and the user, e.g. "Employee".'),
    attr('preferredLanguage', 'string', "The user's preferred written or spoken language (RFC 7231 language tag)."),
    attr('locale', 'string', "The user's default location, for localising dates and currency."),
    attr('timezone', 'string', 'The user\'s time zone in IANA format, e.g. "Europe/Paris".'),
    attr('active', 'boolean', 'Whether the member may sign in. false deactivates the member and frees their seat.', {
      alwaysAssigned: true,
    }),
    multi('emails', "Email addresses; the primary one is the member's contact email.", ['work', 'home', 'other']),
    multi('phoneNumbers', 'Phone numbers.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    complex(
      'addresses',
      'Physical mailing addresses.',
      [
        attr('formatted', 'string', 'The full mailing address, formatted for display.'),
        attr('streetAddress', 'string', 'The full street address.'),
        attr('locality', 'string', 'The city or locality.'),
        attr('region', 'string', 'The state or region.'),
        attr('postalCode', 'string', 'The zip code or postal code.'),
        attr('country', 'string', 'The country name (ISO 3166-1 alpha-2 code preferred).'),
        attr('type', 'string', 'A label indicating the function of the address.', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', 'Whether this is the primary address.'),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'The groups the user belongs to; change them through the Group resource.',
      [
        attr('value', 'string', 'The id of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        attr('display', 'string', 'The displayName of the group.', { mutability: 'readOnly' }),
        attr('type', 'string', 'direct membership.', { mutability: 'readOnly', canonicalValues: ['direct'] }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA_ID,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Identifier assigned by the organization.'),
    attr('costCenter', 'string', 'The cost center.'),
    attr('organization', 'string', 'The organization.'),
    attr('division', 'string', 'The division.'),
    attr('department', 'string', 'The department.'),
    complex('manager', "The user's manager.", [
      attr('value', 'string', 'The id of the manager in the IdP or in Roster.'),
      attr('$ref', 'reference', 'The URI of the manager.', { referenceTypes: ['User'] }),
      attr('displayName', 'string', 'The displayName of the manager.', { mutability: 'readOnly' }),
    ]),
  ],
};

/** Roster's seat state (R12–R14), shown to the IdP but changed only through license groups. */
export const LICENSE_USER_SCHEMA: SchemaDef = {
  id: LICENSE_USER_SCHEMA_ID,
  name: 'RosterLicense',
  description: 'Roster license state of the member (read-only; join a license group to request a license).',
  attributes: [
    complex(
      'licenses',
      'The license types the member requested through license groups, and whether a seat backs each.',
      [
        attr('value', 'string', 'The license type key, e.g. "salesperson".', { mutability: 'readOnly', caseExact: true }),
        attr('display', 'string', 'The license type name, e.g. "Salesperson".', { mutability: 'readOnly' }),
        attr('state', 'string', 'GRANTED when a seat backs the license, PENDING_SEAT while waiting for one.', {
          mutability: 'readOnly',
          caseExact: true,
          canonicalValues: ['GRANTED', 'PENDING_SEAT'],
        }),
        attr('grantedAt', 'dateTime', 'When the seat was granted.', { mutability: 'readOnly' }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
  ],
};

export const GROUP_SCHEMA: SchemaDef = {
  id: GROUP_SCHEMA_ID,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', 'The name of the group. Renaming keeps any license link (the link follows the id).', { required: true }),
    complex(
      'members',
      'The members of the group (users only; nested groups are not supported).',
      [
        attr('value', 'string', 'The id of the member User.', { mutability: 'immutable', caseExact: true }),
        attr('$ref', 'reference', 'The URI of the member.', { mutability: 'immutable', referenceTypes: ['User'] }),
        attr('display', 'string', 'The display name of the member, as the client sent it.'),
        attr('type', 'string', 'The type of the member.', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
      { multiValued: true },
    ),
  ],
};

export const USER_RESOURCE: ResourceDef = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA,
  extensions: [
    { schema: ENTERPRISE_USER_SCHEMA, required: false },
    { schema: LICENSE_USER_SCHEMA, required: false },
  ],
};

export const GROUP_RESOURCE: ResourceDef = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA,
  extensions: [],
};

export const ALL_SCHEMAS: SchemaDef[] = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, LICENSE_USER_SCHEMA, GROUP_SCHEMA];

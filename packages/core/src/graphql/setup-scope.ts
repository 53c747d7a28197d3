/**
 * What a setup link's viewer may reach (#16). A link makes its holder an admin of one team for
 * some areas (SSO, SCIM); the resolvers' own checks (`requireTeamAdmin`) already keep it to
 * that team, and this check keeps it to those areas: every field of the operation, fragments
 * included, must be listed here for one of the link's scopes, or the whole operation is refused
 * with SETUP_LINK_OUT_OF_SCOPE before any resolver runs. An allowlist, so a field added later
 * (to Team, Member, anywhere) is out of scope until someone decides otherwise.
 *
 * The SSO and SCIM types are the protocol plugins' GraphQL types, named here as data: the core
 * imports no plugin. A new protocol plugin's types join the `sso` list.
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { SetupScope } from '../services/setup-links.js';

interface Area {
  /** `Type.field` coordinates. */
  fields: string[];
  /** Types all of whose fields are in. */
  types: string[];
}

const ALWAYS: Area = {
  fields: ['Query.setupLink', 'Query.team', 'Query.plugins', 'Team.id', 'Team.name', 'Team.slug'],
  types: ['SetupLinkAccess', 'PluginInfo'],
};

const AREAS: Record<SetupScope, Area> = {
  sso: {
    fields: [
      'Team.samlConnections',
      'Team.oidcConnections',
      'Team.wsfedConnections',
      'Mutation.createSamlConnection',
      'Mutation.updateSamlConnection',
      'Mutation.deleteSamlConnection',
      'Mutation.refreshSamlMetadata',
      'Mutation.createOidcConnection',
      'Mutation.updateOidcConnection',
      'Mutation.deleteOidcConnection',
      'Mutation.createWsFedConnection',
      'Mutation.updateWsFedConnection',
      'Mutation.deleteWsFedConnection',
      'Mutation.refreshWsFedMetadata',
    ],
    types: [
      'SamlConnection',
      'SamlCertificate',
      'SamlAttributeMapping',
      'OidcConnection',
      'OidcClaimMapping',
      'WsFedConnection',
      'WsFedCertificate',
      'WsFedClaimMapping',
      'SignInAttempt',
    ],
  },
  scim: {
    fields: [
      'Team.scim',
      'Mutation.createScimToken',
      'Mutation.revokeScimToken',
      // Mapping the groups the IdP pushes to license types (R13, R15): the team's groups and
      // license types by name, and the Groups page's own link / unlink. Not the seat counts, the
      // waitlist or the groups' members: people stay out of a setup link's reach.
      'Team.groups',
      'Team.licenses',
      'Group.id',
      'Group.displayName',
      'Group.externalId',
      'Group.memberCount',
      'Group.licenseType',
      'License.id',
      'License.key',
      'License.name',
      'Mutation.linkGroupToLicense',
      'Mutation.unlinkGroup',
    ],
    types: ['ScimSettings', 'ScimToken', 'CreatedScimToken', 'ScimRequestLogEntry', 'LicenseType'],
  },
};

/** The first field of `document` a viewer with these scopes may not reach (`Type.field`), or null. */
export function setupScopeViolation(schema: GraphQLSchema, document: DocumentNode, scopes: readonly SetupScope[]): string | null {
  const areas = [ALWAYS, ...scopes.map((s) => AREAS[s])];
  const fields = new Set(areas.flatMap((a) => a.fields));
  const types = new Set(areas.flatMap((a) => a.types));
  const info = new TypeInfo(schema);
  let violation: string | null = null;
  visit(
    document,
    visitWithTypeInfo(info, {
      Field(node) {
        if (violation || node.name.value === '__typename') return;
        const parent = info.getParentType()?.name ?? '?';
        const coordinate = `${parent}.${node.name.value}`;
        if (!types.has(parent) && !fields.has(coordinate)) violation = coordinate;
      },
    }),
  );
  return violation;
}

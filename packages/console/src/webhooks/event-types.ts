/**
 * The event types of docs/events.md, offered as checkboxes. The API also accepts any
 * well-formed type (a plugin's own) and `*`; an endpoint's page shows whatever it holds.
 */
export const EVENT_TYPES: Array<{ group: string; types: string[] }> = [
  { group: 'Members', types: ['member.created', 'member.updated', 'member.deactivated', 'member.reactivated', 'member.removed'] },
  { group: 'Groups', types: ['group.created', 'group.updated', 'group.deleted', 'group.members_changed'] },
  { group: 'Licenses', types: ['license.granted', 'license.waitlisted', 'license.revoked', 'seats.changed'] },
  { group: 'Sign-ins', types: ['signin.succeeded', 'signin.refused'] },
  {
    group: 'Connections and tokens',
    types: [
      'connection.created',
      'connection.updated',
      'connection.deleted',
      'connection.certificate_expiring',
      'scim.token.created',
      'scim.token.revoked',
    ],
  },
  { group: 'Team', types: ['team.updated', 'domain.verified', 'domain.removed'] },
];
export const EVERY_TYPE = '*';

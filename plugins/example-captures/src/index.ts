import { definePlugin, isRosterError, requireTeamAdmin } from '@roster/plugin-sdk';
import { Capture } from './capture.js';
import { CapturesResolver } from './resolver.js';

export { Capture } from './capture.js';

/** Worked example of the plugin contract: an entity, a migration, GraphQL fields and one route. */
export function capturesPlugin() {
  return definePlugin({
    name: 'example-captures',
    version: '0.1.0',
    entities: [Capture],
    migrations: [
      {
        name: 'example-captures/0001-capture',
        sql: `create table capture (
        id uuid primary key,
        team_id uuid not null references team (id) on delete cascade,
        owner_user_id uuid not null,
        owner_user_name text not null,
        title text not null,
        created_at timestamptz not null default now()
      );
      create index capture_team_idx on capture (team_id, created_at);`,
      },
    ],
    resolvers: [CapturesResolver],
    setup(ctx) {
      ctx.addResolver(new CapturesResolver(ctx.core));
      ctx.http.advertise({
        label: 'CSV export of a team’s captures (team admins)',
        path: '/example-captures/teams/{team id}/captures.csv',
      });
      // GET /example-captures/teams/:teamId/captures.csv — an export for admins (R9).
      ctx.http.register(async (app) => {
        app.get<{ Params: { teamId: string } }>('/teams/:teamId/captures.csv', async (request, reply) => {
          const gql = { viewer: await ctx.viewerOf(request), requestId: String(request.id) };
          try {
            requireTeamAdmin(gql, request.params.teamId);
          } catch (e) {
            if (isRosterError(e)) return reply.code(e.status).send({ error: e.code, message: e.message });
            throw e;
          }
          const rows = await ctx.core.db.em().find(Capture, { teamId: request.params.teamId }, { orderBy: { createdAt: 'asc' } });
          const esc = (s: string) => `"${s.replace(/"/g, '""')}"`;
          const csv = [
            'id,owner,title,created_at',
            ...rows.map((r) => [r.id, esc(r.ownerUserName), esc(r.title), r.createdAt.toISOString()].join(',')),
          ].join('\n');
          return reply.type('text/csv').send(csv);
        });
      });
    },
  });
}

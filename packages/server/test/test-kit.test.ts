import { describe, expect, it } from 'vitest';
import { definePlugin } from '@roster/plugin-sdk';
import { startTestRoster } from '@roster/server/testing';

/** A plugin the suite's template database knows nothing of: its table exists only if the kit migrates it. */
const notes = definePlugin({
  name: 'kit-notes',
  version: '0.0.1',
  migrations: [{ name: 'kit-notes/0001-note', sql: 'create table kit_note (id bigserial primary key, body text not null)' }],
  setup(ctx) {
    ctx.http.register(async (app) => {
      app.post<{ Body: { body: string } }>('/', async (request) => {
        await ctx.core.db.read('insert into kit_note (body) values (?)', [request.body.body]);
        ctx.logger.info({ body: request.body.body }, 'note kept');
        return ctx.core.db.read('select body from kit_note order by id');
      });
    });
    ctx.logger.warn('notes are kept forever');
  },
});

describe('test kit (@roster/server/testing)', () => {
  it('#15.2: migrates the plugins under test, on PostgreSQL as on PGlite', async () => {
    const t = await startTestRoster({ plugins: [notes] });
    try {
      const r = await fetch(`${t.url}/kit-notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"body":"hi"}',
      });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual([{ body: 'hi' }]);
      // #15.6: the plugin's own log lines, for assertions.
      const lines = t.logs('kit-notes');
      expect(lines.map((l) => [l.level, l.msg])).toEqual(
        expect.arrayContaining([
          [40, 'notes are kept forever'],
          [30, 'note kept'],
        ]),
      );
      expect(lines.find((l) => l.msg === 'note kept')).toMatchObject({ plugin: 'kit-notes', body: 'hi' });
      expect(t.logs().length).toBeGreaterThan(lines.length);
    } finally {
      await t.close();
    }
  });

  it('#15.2: a plugin migration that fails stops the server with MIGRATION_FAILED, logged at error with the migration and the plugin', async () => {
    const broken = definePlugin({
      name: 'kit-broken',
      version: '0.0.1',
      migrations: [{ name: 'kit-broken/0001-oops', sql: 'create tabel oops (id int)' }],
    });
    const lines: string[] = [];
    const failure = await startTestRoster({
      plugins: [broken],
      echoErrors: false,
      roster: { logStream: { write: (l: string) => void lines.push(l) } },
    }).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(failure?.code).toBe('MIGRATION_FAILED');
    expect(failure?.message).toMatch(
      /^Migration "kit-broken\/0001-oops" failed: syntax error at or near "tabel" \(a migration of plugin "kit-broken"\)/,
    );
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.migration === 'kit-broken/0001-oops');
    expect(logged).toMatchObject({ level: 50, plugin: 'kit-broken' });
  });
});

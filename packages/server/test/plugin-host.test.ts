import { describe, expect, it } from 'vitest';
import { definePlugin } from '@roster/plugin-sdk';
import { resolvePlugins, loadConfig } from '@roster/server';

const plugin = (name: string, extra: Partial<Parameters<typeof definePlugin>[0]> = {}) =>
  definePlugin({ name, version: '1.0.0', ...extra });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('plugin host', () => {
  it('refuses two plugins with the same name', () => {
    expect(codeOf(() => resolvePlugins([plugin('a'), plugin('a')]))).toBe('PLUGIN_DUPLICATE');
  });

  it('refuses a plugin whose dependency is not enabled, and orders dependencies first', () => {
    expect(codeOf(() => resolvePlugins([plugin('b', { dependsOn: ['a'] })]))).toBe('PLUGIN_MISSING_DEPENDENCY');
    const order = resolvePlugins([plugin('b', { dependsOn: ['a'] }), plugin('a')]).map((p) => p.plugin.name);
    expect(order).toEqual(['a', 'b']);
  });

  it('refuses invalid options with the plugin name in the message', () => {
    const strict = plugin('strict', {
      parseOptions: (raw) => {
        if (!(raw as { url?: string }).url) throw new Error('url is required');
        return raw;
      },
    });
    let message = '';
    try {
      resolvePlugins([strict]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('Plugin "strict" options: url is required');
    expect(codeOf(() => resolvePlugins([strict]))).toBe('PLUGIN_INVALID_OPTIONS');
    expect(resolvePlugins([strict], { strict: { url: 'x' } })[0]!.options).toEqual({ url: 'x' });
  });
});

describe('configuration', () => {
  it('says what to set when production configuration is incomplete', () => {
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production', PORT: 'abc' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('ROSTER_SECRET_KEY must be set');
    expect(message).toContain('DATABASE_URL must be set in production');
  });

  it('boots with safe defaults in development', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: null,
      production: false,
      introspection: true,
      dbPreparedStatements: true,
    });
  });

  it('turns prepared statements off only for an explicit "false", and refuses anything else', () => {
    expect(loadConfig({ ROSTER_DB_PREPARED_STATEMENTS: 'false' }).dbPreparedStatements).toBe(false);
    expect(() => loadConfig({ ROSTER_DB_PREPARED_STATEMENTS: 'no' })).toThrow(
      'ROSTER_DB_PREPARED_STATEMENTS must be "true" or "false" (got "no")',
    );
  });
});

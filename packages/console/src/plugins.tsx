/**
 * The plugins' console modules: composed at build time (vite.config.ts turns the plugin set the
 * server runs into `virtual:roster-console-plugins`), shown at run time only when the server
 * this page talks to loaded the plugin (`Query.plugins`): a console built for a larger set
 * never shows a section whose API is not there.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import composed from 'virtual:roster-console-plugins';
import type { ComposedConsolePlugin, ConsolePage, SsoProtocol } from '@roster/console-sdk';

/** Every SSO protocol of the build, with its plugin's name: a constant, so hooks can be called over it. */
export const COMPOSED_SSO: ReadonlyArray<{ plugin: string; protocol: SsoProtocol }> = composed.flatMap((p) =>
  (p.sso ?? []).map((protocol) => ({ plugin: p.name, protocol })),
);

const Loaded = createContext<ReadonlySet<string>>(new Set());

/** `names`: the plugins the server loaded (`plugins { name }`). */
export function LoadedPlugins({ names, children }: { names: readonly string[]; children: ReactNode }) {
  const key = names.join(',');
  const set = useMemo(() => new Set(key.split(',')), [key]);
  return <Loaded.Provider value={set}>{children}</Loaded.Provider>;
}

/** The names of the plugins the server loaded. */
export function useLoadedPluginNames(): ReadonlySet<string> {
  return useContext(Loaded);
}

/** The composed console modules whose plugin the server loaded: their pages and SSO protocols. */
export function useConsolePlugins(): { pages: ConsolePage[]; sso: SsoProtocol[] } {
  const loaded = useContext(Loaded);
  return useMemo(() => {
    const shown: ComposedConsolePlugin[] = composed.filter((p) => loaded.has(p.name));
    return { pages: shown.flatMap((p) => p.pages ?? []), sso: shown.flatMap((p) => p.sso ?? []) };
  }, [loaded]);
}

/** The page of `pages` that answers `path` (its own path or one under it), if any. */
export function pageAt(pages: ConsolePage[], path: string): ConsolePage | undefined {
  return pages.find((p) => path === p.path || path.startsWith(`${p.path}/`));
}

/**
 * The team's SSO connections of every protocol the build composed and the server loaded, in
 * the one shape the pages share (`SsoConnection`, from the console SDK). Each protocol's plugin
 * reads its own connections (`SsoProtocol.useConnections`); this merges them.
 */
import { useCallback, useMemo } from 'react';
import type { SsoProtocol } from '@roster/console-sdk';
import { COMPOSED_SSO, useLoadedPluginNames } from '../plugins.tsx';

export function useSsoConnections(teamId: string, poll = false) {
  const loaded = useLoadedPluginNames();
  // Every composed protocol, always in the same order (a constant): hooks stay in place; the
  // ones whose plugin the server did not load are paused.
  const results = COMPOSED_SSO.map(({ plugin, protocol }) => protocol.useConnections(teamId, { poll, pause: !loaded.has(plugin) }));
  const installed: SsoProtocol[] = COMPOSED_SSO.filter(({ plugin }) => loaded.has(plugin)).map(({ protocol }) => protocol);
  // Each protocol's list and refetch are memoised by its hook: they are the dependencies.
  const connections = useMemo(
    () => results.flatMap((r) => r.connections),
    results.map((r) => r.connections),
  );
  const error = results.map((r) => r.error).find((e) => e) ?? null;
  const loadedAll = results.every((r) => r.loaded);
  const refetches = results.map((r) => r.refetch);
  const refetch = useCallback(() => refetches.forEach((f) => f()), refetches);
  return { connections, installed, error, loaded: loadedAll, refetch };
}

import { useCallback, useMemo } from 'react';
import { useQuery, type TypedDocumentNode } from 'urql';
import { notInSchema, type SsoConnection, type SsoConnectionsResult } from './sso.ts';

/**
 * The usual body of `SsoProtocol.useConnections`: one query for the team's connections, turned
 * into the shared shape by `read` (kept stable: define it at module level). A validation error
 * (the server's schema lacks the field) reads as "no connections", not as a failure.
 */
export function useConnectionsQuery<Data>(
  query: TypedDocumentNode<Data, { teamId: string }>,
  teamId: string,
  opts: { poll: boolean; pause: boolean },
  read: (data: Data) => SsoConnection[],
): SsoConnectionsResult {
  const [result, reexecute] = useQuery({
    query,
    variables: { teamId },
    requestPolicy: opts.poll ? 'network-only' : 'cache-and-network',
    pause: opts.pause,
  });
  const connections = useMemo(() => (result.data ? read(result.data) : []), [result.data, read]);
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  return {
    connections,
    error: result.error && !notInSchema(result.error) ? result.error : null,
    loaded: opts.pause || !!result.data || !!result.error,
    refetch,
  };
}

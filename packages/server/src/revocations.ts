import pg from 'pg';
import { TOKEN_REVOKED_CHANNEL, type TokenCache } from '@roster/core';

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RevocationListener {
  close(): Promise<void>;
}

const RETRY_MS = 1000;

/**
 * Keeps one `LISTEN roster_token_revoked` connection per node, so that a token revoked on any
 * node leaves this node's TokenCache at once (NOTIFY is sent with the revoking commit). The
 * cache is on only while the connection is up: on any error or end it is switched off (every
 * request asks the database) and the connection is retried; once `LISTEN` is back the cache
 * starts empty, because revocations sent while it was down were not heard.
 */
export function listenForRevocations(url: string, cache: TokenCache, log: Log): RevocationListener {
  let current: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const down = (client: pg.Client, err: unknown) => {
    const wasLive = current === client;
    if (wasLive) {
      current = null;
      cache.setLive(false);
    }
    client.end().catch(() => undefined);
    if (closed || retry) return;
    if (wasLive) log.warn({ err: String(err) }, 'token revocation listener lost: bearer tokens are checked in the database until it is back');
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, RETRY_MS);
    retry.unref();
  };

  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    let failed = false;
    const fail = (err?: unknown) => {
      if (failed) return;
      failed = true;
      down(client, err ?? new Error('connection ended'));
    };
    client.on('error', fail);
    client.on('end', () => fail());
    client.on('notification', (n) => {
      if (n.channel === TOKEN_REVOKED_CHANNEL && n.payload) cache.revoked(n.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${TOKEN_REVOKED_CHANNEL}`);
    } catch (err) {
      fail(err);
      return;
    }
    if (closed || failed) {
      client.end().catch(() => undefined);
      return;
    }
    current = client;
    cache.setLive(true);
    log.info({}, 'token revocation listener up: verified bearer tokens are cached on this node');
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      cache.setLive(false);
      const c = current;
      current = null;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}

import pg from 'pg';
import { ROW_CHANGED_CHANNEL, TOKEN_REVOKED_CHANNEL, type RowCache, type TokenCache } from '@roster/core';

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RevocationListener {
  close(): Promise<void>;
}

const RETRY_MS = 1000;

/** The per-node caches that live only while this node hears what other nodes change. */
export interface NodeCaches {
  tokens: TokenCache;
  rows: RowCache;
}

/**
 * Keeps one `LISTEN` connection per node (token revocations and changes of cached rows), so
 * that a token revoked or a connection changed on any node leaves this node's caches at once
 * (NOTIFY is sent with the commit). The caches are on only while the connection is up: on any
 * error or end they are switched off (every request asks the database) and the connection is
 * retried; once `LISTEN` is back they start empty, because what was sent meanwhile was not heard.
 */
export function listenForRevocations(
  url: string,
  caches: NodeCaches,
  log: Log,
  timeouts: Partial<pg.ClientConfig> = {},
): RevocationListener {
  let current: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  const setLive = (live: boolean) => {
    caches.tokens.setLive(live);
    caches.rows.setLive(live);
  };

  const down = (client: pg.Client, err: unknown) => {
    const wasLive = current === client;
    if (wasLive) {
      current = null;
      setLive(false);
    }
    client.end().catch(() => undefined);
    if (closed || retry) return;
    if (wasLive)
      log.warn({ err: String(err) }, 'change listener lost: bearer tokens and SSO connections are read from the database until it is back');
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, RETRY_MS);
    retry.unref();
  };

  const connect = async () => {
    // Timeouts too: a connect or LISTEN that hangs would keep the caches off with no retry.
    const client = new pg.Client({ connectionString: url, ...timeouts });
    let failed = false;
    const fail = (err?: unknown) => {
      if (failed) return;
      failed = true;
      down(client, err ?? new Error('connection ended'));
    };
    client.on('error', fail);
    client.on('end', () => fail());
    client.on('notification', (n) => {
      if (!n.payload) return;
      if (n.channel === TOKEN_REVOKED_CHANNEL) caches.tokens.revoked(n.payload);
      else if (n.channel === ROW_CHANGED_CHANNEL) caches.rows.changed(n.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${TOKEN_REVOKED_CHANNEL}; listen ${ROW_CHANGED_CHANNEL}`);
    } catch (err) {
      fail(err);
      return;
    }
    if (closed || failed) {
      client.end().catch(() => undefined);
      return;
    }
    current = client;
    setLive(true);
    log.info({}, 'change listener up: verified bearer tokens and SSO connections are cached on this node');
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      setLive(false);
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

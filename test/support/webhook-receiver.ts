import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@roster/webhook-verify';

/** How the receiver behaves now: not listening, 500, holding requests unanswered, or 204. */
export type ReceiverMode = 'down' | 'error' | 'hang' | 'ok';

export interface Received {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  /** What the receiver answered (null: held, or the sender gave up first). */
  answered: number | null;
}

/**
 * A real webhook receiver (node:http) for the delivery journeys: it records every request,
 * verifies none of them itself (the test does, with the published helper), and deduplicates by
 * `webhook-id` as an app should.
 */
export class WebhookReceiver {
  readonly requests: Received[] = [];
  /** Event ids answered 2xx: what an app that dedupes by id has processed. */
  readonly processed = new Set<string>();
  mode: ReceiverMode = 'ok';
  private server: Server | null = null;
  private held: Array<{ res: ServerResponse; entry: Received }> = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: the port refuses connections (the server is closed, open sockets dropped). */
  async down(): Promise<void> {
    this.mode = 'down';
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Back on the same port, answering as `mode` says. */
  async up(mode: Exclude<ReceiverMode, 'down'>): Promise<void> {
    this.mode = mode;
    if (!this.server) await this.start();
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Answers the held requests (`ok`: 204 and processed), or drops their connections. */
  release(how: 'ok' | 'drop'): void {
    for (const { res, entry } of this.held.splice(0)) {
      if (how === 'drop') res.socket?.destroy();
      else this.answer(res, entry, 204);
    }
  }

  async close(): Promise<void> {
    this.release('drop');
    await this.down();
  }

  verified(secret: string | string[], now: () => number): Received[] {
    return this.requests.filter((r) => {
      try {
        verifyWebhook(r.body, { 'webhook-id': r.id, 'webhook-timestamp': String(r.timestamp), 'webhook-signature': r.signature }, secret, {
          now,
        });
        return true;
      } catch {
        return false;
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const entry: Received = {
      id: String(req.headers['webhook-id']),
      timestamp: Number(req.headers['webhook-timestamp']),
      signature: String(req.headers['webhook-signature']),
      body: Buffer.concat(chunks).toString('utf8'),
      answered: null,
    };
    this.requests.push(entry);
    if (this.mode === 'error') return this.answer(res, entry, 500);
    if (this.mode === 'hang') {
      this.held.push({ res, entry });
      return;
    }
    this.answer(res, entry, 204);
  }

  private answer(res: ServerResponse, entry: Received, status: number): void {
    if (res.socket?.destroyed) return;
    entry.answered = status;
    if (status < 300) this.processed.add(entry.id);
    res.writeHead(status).end();
  }
}

/** A clock tests move by hand; delivery reads it through the worker's `now`. */
export class TestClock {
  constructor(private t = Date.now()) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = Math.max(this.t, ms);
  }
}

import { WebhookWorker, type Core, type WebhookUrlCheck } from '@roster/core';
import { checkOutboundHost, createOutboundFetch, type OutboundPolicy } from '@roster/plugin-sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from './config.js';
import type { Jobs } from './jobs.js';

/** What tests (and only tests) change about delivery: the clock, the jitter, the pace. */
export interface WebhookOptions {
  now?: () => number;
  random?: () => number;
  /** Time limit of one delivery request. @default 10000 */
  timeoutMs?: number;
  /** How often each node looks for work (fan-out, then due deliveries). @default 1000 */
  intervalMs?: number;
  concurrency?: number;
}

/**
 * Webhook URLs are tenant input fetched by the server: the SSO toolkit's outbound policy decides,
 * as for IdP metadata (ROSTER_OUTBOUND_ALLOW_PRIVATE / _ADDRESSES). http only outside production.
 */
export function webhookPolicy(cfg: ServerConfig, timeoutMs: number): OutboundPolicy {
  return {
    allowHttp: !cfg.production,
    allowPrivateAddresses: cfg.outboundAllowPrivate,
    allowAddresses: cfg.outboundAllowAddresses,
    timeoutMs,
    // The answer's body is not read, but the policy reads it whole: a receiver answering a page is fine.
    maxBytes: 1024 * 1024,
    maxRedirects: 0,
  };
}

/** The check the core runs when an endpoint is created or its URL changed: null, or why not. */
export function webhookUrlCheck(cfg: ServerConfig): WebhookUrlCheck {
  return async (url) => {
    try {
      await checkOutboundHost(url, webhookPolicy(cfg, 10_000));
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
}

/** Every node runs the worker; the database decides who does what (see WebhookWorker). */
export function startWebhookWorker(
  core: Core,
  cfg: ServerConfig,
  jobs: Jobs,
  log: FastifyBaseLogger,
  opts: WebhookOptions = {},
): WebhookWorker {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const worker = new WebhookWorker({
    em: core.em,
    read: core.read,
    secrets: core.secrets,
    events: core.events,
    fetch: createOutboundFetch(webhookPolicy(cfg, timeoutMs)),
    now: opts.now,
    random: opts.random,
    timeoutMs,
    concurrency: opts.concurrency,
    log,
  });
  jobs.every('webhooks', opts.intervalMs ?? 1000, () => worker.run());
  return worker;
}

/**
 * Verifies a webhook sent by Roster, per the Standard Webhooks specification
 * (https://www.standardwebhooks.com): the `webhook-signature` header carries one or more
 * `v1,<base64 HMAC-SHA256>` signatures of `"<webhook-id>.<webhook-timestamp>.<raw body>"`,
 * keyed with the endpoint secret (`whsec_<base64 key>`). Several signatures arrive while a
 * secret is being rotated (one per live secret): any one that matches is enough.
 *
 * node:crypto only, on purpose: the host app installs this next to whatever it already runs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookVerifyErrorCode =
  | 'WEBHOOK_MISSING_HEADERS'
  | 'WEBHOOK_BAD_TIMESTAMP'
  | 'WEBHOOK_TIMESTAMP_TOO_OLD'
  | 'WEBHOOK_TIMESTAMP_TOO_NEW'
  | 'WEBHOOK_BAD_SECRET'
  | 'WEBHOOK_NO_MATCHING_SIGNATURE'
  | 'WEBHOOK_BAD_PAYLOAD';

/** Why a webhook was refused; answer 400 (or 401) to the sender and do not act on the payload. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(
    readonly code: WebhookVerifyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Node's `req.headers` (lower-case names), a fetch `Headers`, or any `get(name)`-able object. */
export type WebhookHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };

export interface VerifyOptions {
  /** How far the `webhook-timestamp` may be from now, either way, in seconds (replay window). @default 300 */
  toleranceSeconds?: number;
  /** The current time in ms since the epoch (tests). @default Date.now */
  now?: () => number;
}

/** A verified webhook: its id (the event id: deduplicate on it), its timestamp and its parsed JSON body. */
export interface VerifiedWebhook<T = unknown> {
  id: string;
  timestamp: number;
  payload: T;
}

const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks `payload` (the raw request body, exactly as received: string or bytes, never re-serialised
 * JSON) against the headers and `secret` (or several secrets), and returns the parsed body.
 * Throws a `WebhookVerificationError` with a stable `code` otherwise.
 */
export function verifyWebhook<T = unknown>(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): VerifiedWebhook<T> {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures)
    throw new WebhookVerificationError('WEBHOOK_MISSING_HEADERS', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,15}$/.test(timestampText))
    throw new WebhookVerificationError('WEBHOOK_BAD_TIMESTAMP', 'webhook-timestamp is not a Unix time');
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < nowSeconds - tolerance) throw new WebhookVerificationError('WEBHOOK_TIMESTAMP_TOO_OLD', 'webhook-timestamp is too old');
  if (timestamp > nowSeconds + tolerance)
    throw new WebhookVerificationError('WEBHOOK_TIMESTAMP_TOO_NEW', 'webhook-timestamp is in the future');

  const body =
    typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestampText}.`, 'utf8'), body]);
  const offered = signatures
    .split(' ')
    .map((s) => s.split(','))
    .filter((parts): parts is [string, string] => parts.length === 2 && parts[0] === 'v1' && Boolean(parts[1]))
    .map(([, sig]) => Buffer.from(sig, 'base64'));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new WebhookVerificationError('WEBHOOK_BAD_SECRET', 'no secret given');
  let matched = false;
  for (const s of secrets) {
    const expected = createHmac('sha256', secretKey(s)).update(signed).digest();
    // Every offered signature is compared (no early exit), each in constant time.
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError('WEBHOOK_NO_MATCHING_SIGNATURE', 'no signature matches the secret');

  let parsed: T;
  try {
    parsed = JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('WEBHOOK_BAD_PAYLOAD', 'the body is not JSON');
  }
  return { id, timestamp, payload: parsed };
}

/**
 * The `webhook-signature` value Roster would send for this secret: for a receiver's own tests.
 * `timestamp` is in seconds.
 */
export function signWebhook(secret: string, id: string, timestamp: number, payload: string | Uint8Array): string {
  const hmac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.`, 'utf8');
  hmac.update(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
  return `v1,${hmac.digest('base64')}`;
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded))
    throw new WebhookVerificationError('WEBHOOK_BAD_SECRET', 'the secret is not a whsec_<base64> key');
  return key;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  // Node lower-cases header names; a hand-built object may not have.
  const key = name in record ? name : Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../src/index.js';

// The Standard Webhooks specification's own example (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => () => seconds * 1000;
const headersOf = (signature: string, id = SPEC.id, timestamp = SPEC.timestamp) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebhookVerificationError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('#18.4 verifyWebhook', () => {
  it('#18.4: verifies the specification example and returns the parsed body', () => {
    const v = verifyWebhook(SPEC.payload, headersOf(SPEC.signature), SPEC.secret, { now: at(SPEC.timestamp) });
    expect(v).toEqual({ id: SPEC.id, timestamp: SPEC.timestamp, payload: { test: 2432232314 } });
    expect(signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.payload)).toBe(SPEC.signature);
  });

  it('#18.4: accepts bytes, fetch Headers and mixed-case header names', () => {
    const bytes = new TextEncoder().encode(SPEC.payload);
    const h = new Headers(headersOf(SPEC.signature));
    expect(verifyWebhook(bytes, h, SPEC.secret, { now: at(SPEC.timestamp) }).id).toBe(SPEC.id);
    const mixed = { 'Webhook-Id': SPEC.id, 'Webhook-Timestamp': String(SPEC.timestamp), 'Webhook-Signature': SPEC.signature };
    expect(verifyWebhook(SPEC.payload, mixed, SPEC.secret, { now: at(SPEC.timestamp) }).id).toBe(SPEC.id);
  });

  it('#18.4: a changed body, id or timestamp, or another secret, fails', () => {
    const now = { now: at(SPEC.timestamp) };
    expect(codeOf(() => verifyWebhook('{"test": 2432232315}', headersOf(SPEC.signature), SPEC.secret, now))).toBe(
      'WEBHOOK_NO_MATCHING_SIGNATURE',
    );
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(SPEC.signature, 'msg_other'), SPEC.secret, now))).toBe(
      'WEBHOOK_NO_MATCHING_SIGNATURE',
    );
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(SPEC.signature, SPEC.id, SPEC.timestamp + 1), SPEC.secret, now))).toBe(
      'WEBHOOK_NO_MATCHING_SIGNATURE',
    );
    const other = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(SPEC.signature), other, now))).toBe('WEBHOOK_NO_MATCHING_SIGNATURE');
    // A truncated signature is not a prefix match.
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(SPEC.signature.slice(0, 20)), SPEC.secret, now))).toBe(
      'WEBHOOK_NO_MATCHING_SIGNATURE',
    );
  });

  it('#18.4: timestamps outside the tolerance fail, either way; the tolerance is an option', () => {
    const h = headersOf(SPEC.signature);
    expect(codeOf(() => verifyWebhook(SPEC.payload, h, SPEC.secret, { now: at(SPEC.timestamp + 301) }))).toBe('WEBHOOK_TIMESTAMP_TOO_OLD');
    expect(codeOf(() => verifyWebhook(SPEC.payload, h, SPEC.secret, { now: at(SPEC.timestamp - 301) }))).toBe('WEBHOOK_TIMESTAMP_TOO_NEW');
    expect(verifyWebhook(SPEC.payload, h, SPEC.secret, { now: at(SPEC.timestamp + 300) }).id).toBe(SPEC.id);
    expect(codeOf(() => verifyWebhook(SPEC.payload, h, SPEC.secret, { now: at(SPEC.timestamp + 31), toleranceSeconds: 30 }))).toBe(
      'WEBHOOK_TIMESTAMP_TOO_OLD',
    );
    expect(codeOf(() => verifyWebhook(SPEC.payload, { ...h, 'webhook-timestamp': '16142653e3' }, SPEC.secret))).toBe(
      'WEBHOOK_BAD_TIMESTAMP',
    );
  });

  it('#18.4: several signatures (secret rotation): any one match is enough, unknown versions are ignored', () => {
    const other = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
    const otherSig = signWebhook(other, SPEC.id, SPEC.timestamp, SPEC.payload);
    const both = headersOf(`${otherSig} v1a,bm90LWEtc2lnbmF0dXJl ${SPEC.signature}`);
    const now = { now: at(SPEC.timestamp) };
    expect(verifyWebhook(SPEC.payload, both, SPEC.secret, now).id).toBe(SPEC.id);
    expect(verifyWebhook(SPEC.payload, both, other, now).id).toBe(SPEC.id);
    // The receiver may hold both secrets during its own switch-over.
    expect(verifyWebhook(SPEC.payload, headersOf(otherSig), [SPEC.secret, other], now).id).toBe(SPEC.id);
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(`v2,${SPEC.signature.slice(3)}`), SPEC.secret, now))).toBe(
      'WEBHOOK_NO_MATCHING_SIGNATURE',
    );
  });

  it('#18.4: missing headers, a malformed secret and a body that is not JSON have their own codes', () => {
    const now = { now: at(SPEC.timestamp) };
    expect(codeOf(() => verifyWebhook(SPEC.payload, { 'webhook-id': SPEC.id }, SPEC.secret, now))).toBe('WEBHOOK_MISSING_HEADERS');
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(SPEC.signature), 'whsec_***', now))).toBe('WEBHOOK_BAD_SECRET');
    expect(codeOf(() => verifyWebhook(SPEC.payload, headersOf(SPEC.signature), [], now))).toBe('WEBHOOK_BAD_SECRET');
    const text = 'not json';
    const sig = signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, text);
    expect(codeOf(() => verifyWebhook(text, headersOf(sig), SPEC.secret, now))).toBe('WEBHOOK_BAD_PAYLOAD');
  });
});

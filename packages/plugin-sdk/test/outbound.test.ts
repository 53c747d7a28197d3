/** The SSO toolkit's outbound policy and URL redaction, on their own (#12.9). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundFetch, fetchText, inputProblem, isPrivateAddress, redactUrl, type OutboundPolicy } from '../src/index.js';

let server: Server;
let base: string;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/hop')
      return void res.writeHead(302, { location: `http://127.0.0.2:${(server.address() as AddressInfo).port}/inside` }).end();
    if (req.url === '/same') return void res.writeHead(302, { location: '/doc' }).end();
    if (req.url === '/token' && req.method === 'POST')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('document');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const policy = (over: Partial<OutboundPolicy> = {}): OutboundPolicy => ({
  allowHttp: true,
  allowPrivateAddresses: false,
  timeoutMs: 2000,
  maxBytes: 1024,
  ...over,
});

describe('outbound policy', () => {
  it('#12.9: classifies loopback, private, link-local, CGNAT, unique-local and v4-mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd12::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
    ])
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
  });

  it('#12.9: every redirect hop is re-checked: an allowed first hop cannot lead to another private address', async () => {
    await expect(fetchText(`${base}/hop`, policy({ allowAddresses: ['127.0.0.1'] }), { accept: '*/*' })).rejects.toMatchObject({
      kind: 'address',
    });
    expect(await fetchText(`${base}/same`, policy({ allowAddresses: ['127.0.0.1'] }), { accept: '*/*' })).toBe('document');
    await expect(fetchText(`${base}/doc`, policy(), { accept: '*/*' })).rejects.toMatchObject({ kind: 'address' });
    await expect(fetchText(`${base}/doc`, policy({ allowPrivateAddresses: true, maxBytes: 4 }), { accept: '*/*' })).rejects.toMatchObject({
      kind: 'too_large',
    });
    await expect(
      fetchText(`${base}/doc`, policy({ allowPrivateAddresses: true, allowHttp: false }), { accept: '*/*' }),
    ).rejects.toMatchObject({ kind: 'url' });
  });

  it('#12.9: the fetch handed to openid-client posts, and hands redirects back when asked to', async () => {
    const outbound = createOutboundFetch(policy({ allowPrivateAddresses: true }));
    const posted = await outbound(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: 'x' }),
    });
    expect(await posted.json()).toEqual({ ok: true });
    const manual = await outbound(`${base}/same`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    await expect(createOutboundFetch(policy())(`${base}/token`, { method: 'POST' })).rejects.toMatchObject({ kind: 'address' });
  });
});

describe('redactUrl and input hygiene', () => {
  it('#12: masks the secrets of sign-in URLs and keeps the rest verbatim', () => {
    expect(redactUrl('/oidc/callback?code=abc&state=xyz&iss=https%3A%2F%2Fidp')).toBe(
      '/oidc/callback?code=[REDACTED]&state=[REDACTED]&iss=https%3A%2F%2Fidp',
    );
    expect(redactUrl('/saml/1/slo?SAMLRequest=a&RelayState=b&SigAlg=c&Signature=d')).toBe(
      '/saml/1/slo?SAMLRequest=[REDACTED]&RelayState=[REDACTED]&SigAlg=c&Signature=[REDACTED]',
    );
    expect(redactUrl('/x?wresult=1&id_token=2&access_token=3&client_secret=4&password=5&token=6&samlresponse=7')).not.toMatch(/=[1-7]/);
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });

  it('#12.5: NUL bytes and lone surrogates are named, clean input passes', () => {
    expect(inputProblem({ state: 'a\u0000' })).toMatch(/state/);
    expect(inputProblem({ wctx: ['ok', '\ud800'] })).toMatch(/wctx/);
    expect(inputProblem({ RelayState: '😀 fine' }, undefined, null)).toBeNull();
  });
});

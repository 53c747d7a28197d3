/**
 * The one outbound-fetch policy of every SSO plugin: requests to URLs an admin typed (SAML and
 * WS-Fed metadata, OIDC discovery, JWKS, token and userinfo endpoints) go through here.
 *
 * The URL is tenant input, so: http(s) only (https unless allowed), no credentials in the URL, a
 * deadline for the whole exchange, a byte cap while streaming, at most `maxRedirects` redirects
 * (each hop re-checked), and, unless the operator allows them, no loopback / private /
 * link-local / CGNAT / unique-local / multicast destinations. The address check runs inside the
 * socket's DNS lookup, so the address checked is the address connected to: a DNS name that
 * resolves to 10.x is refused like the literal, and a rebinding DNS server gains nothing.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** What the operator decides for every plugin (`ROSTER_OUTBOUND_ALLOW_PRIVATE`). */
export interface OutboundSettings {
  /** Let admin-supplied URLs reach loopback, private, link-local… addresses (tests, labs). @default false */
  allowPrivateAddresses: boolean;
  /** Private addresses allowed one by one (an on-premises ADFS at 10.1.2.3) (`ROSTER_OUTBOUND_ALLOW_ADDRESSES`). */
  allowAddresses?: readonly string[];
}

export interface OutboundPolicy extends OutboundSettings {
  /** Allow `http://` besides `https://`. */
  allowHttp: boolean;
  /** Deadline for the whole exchange, redirects and body included (ms). */
  timeoutMs: number;
  /** Largest response body accepted (bytes). */
  maxBytes: number;
  /** @default 3 */
  maxRedirects?: number;
}

export type OutboundErrorKind = 'url' | 'address' | 'timeout' | 'too_large' | 'status' | 'redirects' | 'not_text' | 'network';

/** Why an outbound request failed; `kind` lets each plugin map it onto its own error code. */
export class OutboundFetchError extends Error {
  override name = 'OutboundFetchError';
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, CGNAT, unique-local, multicast and unspecified addresses (v4-mapped v6 too). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(bare);
  if (family === 0) return true;
  if (family === 6 && /^::ffff:/i.test(bare)) return true; // hex-written v4-mapped: never a public host
  return blocked.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** May the policy connect to this address? */
function addressAllowed(address: string, policy: OutboundSettings): boolean {
  if (policy.allowPrivateAddresses || !isPrivateAddress(address)) return true;
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  return (policy.allowAddresses ?? []).some((a) => a.replace(/^\[|\]$/g, '').toLowerCase() === bare);
}

/** A DNS lookup that refuses what the policy refuses: the address checked is the address connected to. */
function guardedLookup(policy: OutboundSettings): LookupFunction {
  return (hostname, options, callback) => {
    const done = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      if (error) return callback(error, address as string, family);
      const list = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
      const bad = list.find((a) => !addressAllowed(a.address, policy));
      if (bad) {
        const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private or loopback address (${bad.address})`);
        refusal.code = 'ESSRF';
        return callback(refusal, address as string, family);
      }
      return callback(null, address as string, family);
    };
    if (options.all) dnsLookup(hostname, options as LookupAllOptions, (e, addresses) => done(e, addresses));
    else dnsLookup(hostname, options as LookupOneOptions, (e, address, family) => done(e, address, family));
  };
}

/** Checks a URL before connecting: scheme, credentials, and literal private addresses. */
export function checkOutboundUrl(
  raw: string | URL,
  policy: Pick<OutboundPolicy, 'allowHttp' | 'allowPrivateAddresses' | 'allowAddresses'>,
): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundFetchError('url', 'the URL is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new OutboundFetchError('url', policy.allowHttp ? 'the URL must be http(s)' : 'the URL must be https');
  }
  if (url.username || url.password) throw new OutboundFetchError('url', 'the URL must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !addressAllowed(host, policy)) {
    throw new OutboundFetchError('address', `${host} is a private or loopback address`);
  }
  return url;
}

/**
 * `checkOutboundUrl`, then the host name's addresses too: for URLs stored now and fetched later
 * (webhook endpoints), so an admin hears at once that `http://localhost/…` will be refused. The
 * fetch checks the address it connects to again (DNS may change meanwhile).
 */
export async function checkOutboundHost(
  raw: string | URL,
  policy: Pick<OutboundPolicy, 'allowHttp' | 'allowPrivateAddresses' | 'allowAddresses'>,
): Promise<URL> {
  const url = checkOutboundUrl(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 || policy.allowPrivateAddresses) return url;
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(host, { all: true }, (e, list) => (e ? reject(e) : resolve(list))),
    );
  } catch {
    throw new OutboundFetchError('address', `${host} does not resolve`);
  }
  const bad = addresses.find((a) => !addressAllowed(a.address, policy));
  if (bad) throw new OutboundFetchError('address', `${host} resolves to a private or loopback address (${bad.address})`);
  return url;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

/**
 * A `fetch` that obeys the policy (openid-client's `customFetch`, DiscoveryCache's network).
 * `redirect: 'manual'` hands 3xx back, `'error'` refuses them, the default follows them, each hop
 * re-checked. The body is read whole, within `maxBytes`, before the Response is returned.
 */
export function createOutboundFetch(policy: OutboundPolicy): typeof fetch {
  const outbound = async (input: FetchInput, init: FetchInit = {}): Promise<Response> => {
    const deadline = AbortSignal.timeout(policy.timeoutMs);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    let url = checkOutboundUrl(input instanceof Request ? input.url : input, policy);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = bodyOf(init.body);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => void (headers[name] = value));
    for (let hop = 0; ; hop++) {
      const response = await send(url, { method, headers, body }, policy, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!REDIRECTS.has(status) || !location || init.redirect === 'manual') return toResponse(response, policy.maxBytes, signal);
      response.resume();
      if (init.redirect === 'error') throw new OutboundFetchError('redirects', `${url.origin} answered a redirect (HTTP ${status})`);
      if (hop >= (policy.maxRedirects ?? 3)) throw new OutboundFetchError('redirects', `more than ${policy.maxRedirects ?? 3} redirects`);
      url = checkOutboundUrl(new URL(location, url), policy);
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
    }
  };
  return outbound as typeof fetch;
}

/** GET `url` and return its body as UTF-8 text (metadata documents): 200 only, within the policy. */
export async function fetchText(
  url: string,
  policy: OutboundPolicy,
  options: { accept: string; userAgent?: string; fetch?: typeof fetch },
): Promise<string> {
  const target = checkOutboundUrl(url, policy);
  const doFetch = options.fetch ?? createOutboundFetch(policy);
  let response: Response;
  try {
    response = await doFetch(target, {
      method: 'GET',
      headers: { accept: options.accept, 'user-agent': options.userAgent ?? 'Roster-SSO/1' },
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
  } catch (error) {
    throw asOutboundError(error);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new OutboundFetchError('status', `the URL answered HTTP ${response.status}`);
  }
  const bytes = await readCapped(response, policy.maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OutboundFetchError('not_text', 'the document is not UTF-8 text');
  }
}

function bodyOf(body: FetchInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new OutboundFetchError('url', 'unsupported request body');
}

function send(
  url: URL,
  req: { method: string; headers: Record<string, string>; body: Buffer | undefined },
  policy: OutboundPolicy,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = req.body ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
  return new Promise((resolve, reject) => {
    const r = request(url, {
      method: req.method,
      headers,
      signal,
      ...(policy.allowPrivateAddresses ? {} : { lookup: guardedLookup(policy) }),
    });
    r.on('response', resolve);
    r.on('error', (error: NodeJS.ErrnoException) => reject(failure(error, signal)));
    r.end(req.body);
  });
}

function toResponse(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Response> {
  const status = response.statusCode ?? 0;
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const declared = Number(response.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    response.destroy();
    return Promise.reject(new OutboundFetchError('too_large', `the response is larger than ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(new OutboundFetchError('too_large', `the response is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () =>
      resolve(
        new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage ?? '', headers }),
      ),
    );
    response.on('error', (error: NodeJS.ErrnoException) => reject(failure(error, signal)));
  });
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new OutboundFetchError('too_large', `the document is larger than ${maxBytes} bytes`);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let part: Awaited<ReturnType<typeof reader.read>>;
    try {
      part = await reader.read();
    } catch (error) {
      throw asOutboundError(error);
    }
    if (part.done) break;
    total += part.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new OutboundFetchError('too_large', `the document is larger than ${maxBytes} bytes`);
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks);
}

function failure(error: NodeJS.ErrnoException, signal: AbortSignal): OutboundFetchError {
  if (signal.aborted) return new OutboundFetchError('timeout', 'the request timed out');
  if (error.code === 'ESSRF') return new OutboundFetchError('address', error.message);
  return new OutboundFetchError('network', `the request failed: ${error.code ?? error.message}`);
}

function asOutboundError(error: unknown): OutboundFetchError {
  if (error instanceof OutboundFetchError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return new OutboundFetchError('timeout', 'the request timed out');
  return new OutboundFetchError('network', `the request failed: ${error instanceof Error ? error.message : String(error)}`);
}

import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { samlError } from './errors.js';

export interface MetadataFetchOptions {
  allowHttp: boolean;
  allowPrivateHosts: boolean;
  timeoutMs: number;
  maxBytes: number;
}

const MAX_REDIRECTS = 3;

/**
 * Downloads IdP metadata an admin pointed us at. The URL is tenant input, so: http(s) only,
 * https unless allowed, a deadline for the whole download, a byte cap while streaming, at most
 * three redirects (each re-checked), and, unless allowed, no loopback / private / link-local
 * destinations. The address check runs inside the socket's DNS lookup, so the address checked is
 * the address connected to (no DNS-rebinding gap).
 */
export async function fetchMetadata(url: string, options: MetadataFetchOptions): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const target = checkUrl(current, options);
    const response = await get(target, options, signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, target).toString();
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw samlError('SAML_METADATA_FETCH_FAILED', `metadata URL answered HTTP ${status}`);
    }
    return readBody(response, options.maxBytes, signal);
  }
  throw samlError('SAML_METADATA_FETCH_FAILED', `metadata URL redirected more than ${MAX_REDIRECTS} times`);
}

function checkUrl(raw: string, options: MetadataFetchOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw samlError('SAML_INVALID_INPUT', 'metadataUrl is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) {
    throw samlError('SAML_INVALID_INPUT', options.allowHttp ? 'metadataUrl must be http(s)' : 'metadataUrl must be https');
  }
  if (url.username || url.password) throw samlError('SAML_INVALID_INPUT', 'metadataUrl must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateHosts && isIP(host) !== 0 && isBlocked(host)) {
    throw samlError('SAML_METADATA_FETCH_FAILED', `metadata host ${host} is a private or loopback address`);
  }
  return url;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, CGNAT, multicast and unspecified addresses (v4-mapped v6 too). */
export function isBlocked(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const done = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
    if (error) return callback(error, address as string, family);
    const list = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
    const bad = list.find((a) => isBlocked(a.address));
    if (bad) {
      const refusal: NodeJS.ErrnoException = new Error(`metadata host ${hostname} resolves to a private or loopback address (${bad.address})`);
      refusal.code = 'ESSRF';
      return callback(refusal, address as string, family);
    }
    return callback(null, address as string, family);
  };
  if (options.all) dnsLookup(hostname, options as LookupAllOptions, (e, addresses) => done(e, addresses));
  else dnsLookup(hostname, options as LookupOneOptions, (e, address, family) => done(e, address, family));
};

function get(url: URL, options: MetadataFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'GET',
      headers: { accept: 'application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8', 'user-agent': 'Roster-SAML-metadata/1' },
      signal,
      ...(options.allowPrivateHosts ? {} : { lookup: guardedLookup }),
    });
    req.on('response', resolve);
    req.on('error', (error: NodeJS.ErrnoException) => reject(fetchFailure(error, signal)));
    req.end();
  });
}

function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    response.destroy();
    return Promise.reject(samlError('SAML_METADATA_FETCH_FAILED', `metadata is larger than ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(samlError('SAML_METADATA_FETCH_FAILED', `metadata is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(samlError('SAML_METADATA_INVALID', 'metadata is not UTF-8 text'));
      }
    });
    response.on('error', (error: NodeJS.ErrnoException) => reject(fetchFailure(error, signal)));
  });
}

function fetchFailure(error: NodeJS.ErrnoException, signal: AbortSignal): Error {
  if (signal.aborted) return samlError('SAML_METADATA_FETCH_FAILED', 'metadata download timed out');
  if (error.code === 'ESSRF') return samlError('SAML_METADATA_FETCH_FAILED', error.message);
  return samlError('SAML_METADATA_FETCH_FAILED', `metadata download failed: ${error.code ?? error.message}`);
}

import { WsFedMetadataError } from './metadata.js';

export interface FetchMetadataOptions {
  /** Injected for tests and for an egress-restricted fetch in production. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxBytes?: number;
  /** Only local test issuers use http; real ADFS / Entra metadata is always https. */
  allowHttp?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Entra metadata is ~30 KB, ADFS ~60 KB; the cap keeps a hostile URL from filling memory. */
const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Downloads `FederationMetadata.xml` (ADFS: `https://adfs.example.com/FederationMetadata/2007-06/FederationMetadata.xml`,
 * Entra: `https://login.microsoftonline.com/{tenant}/federationmetadata/2007-06/federationmetadata.xml`).
 * Returns the text; `importFederationMetadata` does the parsing and checks.
 */
export async function fetchFederationMetadata(url: string, options: FetchMetadataOptions = {}): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WsFedMetadataError('METADATA_INVALID', 'metadata URL is not an absolute URL');
  }
  if (parsed.protocol !== 'https:' && !(options.allowHttp === true && parsed.protocol === 'http:')) {
    throw new WsFedMetadataError('METADATA_INVALID', 'metadata URL must use https');
  }
  const doFetch = options.fetch ?? fetch;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let response: Response;
  try {
    // No redirects: a redirect to an internal address would turn metadata refresh into SSRF.
    response = await doFetch(parsed, {
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
    });
  } catch (error) {
    throw new WsFedMetadataError('METADATA_INVALID', `metadata download failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new WsFedMetadataError('METADATA_INVALID', `metadata download failed with HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new WsFedMetadataError('METADATA_INVALID', `metadata is larger than ${maxBytes} bytes`);
  const body = await readCapped(response, maxBytes);
  return body;
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new WsFedMetadataError('METADATA_INVALID', `metadata is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

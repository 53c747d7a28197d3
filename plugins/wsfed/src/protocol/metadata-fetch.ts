import { fetchText, OutboundFetchError, type OutboundSettings } from '@roster/plugin-sdk';
import { WsFedMetadataError } from './metadata.js';

export interface FetchMetadataOptions extends Partial<OutboundSettings> {
  /** The network: an egress proxy in production, a fake IdP in tests. Default: the SSO toolkit's outbound policy. */
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
 * Entra: `https://login.microsoftonline.com/{tenant}/federationmetadata/2007-06/federationmetadata.xml`)
 * through the SSO toolkit's outbound policy (the resolved address of every hop is checked).
 * Returns the text; `importFederationMetadata` does the parsing and checks.
 */
export async function fetchFederationMetadata(url: string, options: FetchMetadataOptions = {}): Promise<string> {
  try {
    return await fetchText(
      url,
      {
        allowHttp: options.allowHttp === true,
        allowPrivateAddresses: options.allowPrivateAddresses === true,
        ...(options.allowAddresses ? { allowAddresses: options.allowAddresses } : {}),
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      },
      {
        accept: 'application/samlmetadata+xml, application/xml, text/xml',
        userAgent: 'Roster-WSFed-metadata/1',
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
    );
  } catch (error) {
    if (error instanceof OutboundFetchError) throw new WsFedMetadataError('METADATA_INVALID', `metadata download failed: ${error.message}`);
    throw error;
  }
}

import { fetchText, OutboundFetchError, type OutboundPolicy } from '@roster/plugin-sdk';
import { samlError } from './errors.js';

/**
 * Downloads IdP metadata an admin pointed us at, through the SSO toolkit's outbound policy
 * (resolved address checked on every hop, size and time limits): this file only maps its
 * failures onto the SAML error catalogue.
 */
export async function fetchMetadata(url: string, policy: OutboundPolicy): Promise<string> {
  try {
    return await fetchText(url, policy, {
      accept: 'application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8',
      userAgent: 'Roster-SAML-metadata/1',
    });
  } catch (error) {
    if (!(error instanceof OutboundFetchError)) throw error;
    if (error.kind === 'url') throw samlError('SAML_INVALID_INPUT', `metadataUrl: ${error.message}`);
    if (error.kind === 'not_text') throw samlError('SAML_METADATA_INVALID', 'metadata is not UTF-8 text');
    throw samlError('SAML_METADATA_FETCH_FAILED', `metadata download: ${error.message}`);
  }
}

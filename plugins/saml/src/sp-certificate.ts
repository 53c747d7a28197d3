import { generateKeyPairPem, type KeyPairPem } from '@roster/plugin-sdk';

/** Per-connection SP key pair and self-signed certificate (R18), made by the SSO toolkit's generator. */
export type SpKeyPair = KeyPairPem;
export const generateSpKeyPair = generateKeyPairPem;
export { selfSignedCertificate, type SelfSignedOptions } from '@roster/plugin-sdk';

// One import point for the XML layer so protocol code never reaches xmldom or xml-crypto directly.
export {
  parseXmlSafely,
  verifyElementSignature,
  hasSignature,
  XmlSecurityError,
  childElements,
  descendants,
  strictText,
  toPem,
  publicKeyOf,
  certificateInfo,
  type VerifiedElement,
} from '@roster/xml-security';
export type { Document, Element, Node } from '@xmldom/xmldom';

import { SAML_NS } from './constants.js';
import { childElements, descendants, strictText, type Element, type Node } from './xml.js';
import { refuse, type SamlValidationStep } from './types.js';

const XS_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses an xs:dateTime attribute; a malformed timestamp is a refusal, never "no limit". */
export function timeAttribute(element: Element, name: string): Date | null {
  const raw = element.getAttribute(name);
  if (raw === null || raw === '') return null;
  const value = raw.trim();
  const normalized = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const parsed = XS_DATETIME.test(value) ? new Date(normalized) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) refuse('time', `${element.localName}@${name} is not a valid timestamp: ${JSON.stringify(raw)}`);
  return parsed;
}

/** Same URL, tolerating only differences that URL parsing normalises (host case, default port). */
export function sameUrl(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  try {
    return new URL(actual).href === new URL(expected).href;
  } catch {
    return false;
  }
}

/** Text of the single child `localName` in the SAML assertion namespace (null when absent). */
export function optionalSamlText(parent: Element, localName: string, step: SamlValidationStep): string | null {
  const found = childElements(parent, SAML_NS.assertion, localName);
  if (found.length > 1) refuse(step, `<${parent.localName}> has ${found.length} <${localName}> elements`);
  const element = found[0];
  if (!element) return null;
  return strictText(element).trim();
}

const COMMENT_NODE = 8;
const CDATA_SECTION_NODE = 4;
const GUARDED: Readonly<Record<string, SamlValidationStep>> = {
  NameID: 'subject',
  Issuer: 'issuer',
  Audience: 'audience',
  AttributeValue: 'attributes',
};

/**
 * Comments and CDATA inside identity-bearing elements are refused outright on the received
 * document. The signed copy we read from has no comments anyway (exclusive c14n drops them), but
 * a message that splits `victim@example.com<!---->.evil.com` is an attack, not a sign-in.
 */
export function refuseTruncationVectors(root: Element): void {
  const walk = (node: Node): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType !== 1) continue;
      const element = child as Element;
      const step = element.namespaceURI === SAML_NS.assertion ? GUARDED[element.localName ?? ''] : undefined;
      if (step) {
        for (let inner = element.firstChild; inner; inner = inner.nextSibling) {
          if (inner.nodeType === COMMENT_NODE || inner.nodeType === CDATA_SECTION_NODE) {
            refuse(
              step,
              `<${element.localName}> contains an XML ${inner.nodeType === COMMENT_NODE ? 'comment' : 'CDATA section'} (truncation attack)`,
            );
          }
        }
      }
      walk(element);
    }
  };
  walk(root);
}

/**
 * A ds:Signature is legitimate only as a direct child of the Response or of an Assertion. One
 * anywhere else (inside Status, Extensions, another Signature's Object) is a wrapping set-up:
 * refuse the message instead of ignoring the stray signature.
 */
export function refuseStraySignatures(root: Element): void {
  for (const signature of descendants(root, SAML_NS.ds, 'Signature')) {
    const parent = signature.parentNode as Element | null;
    const allowed =
      parent !== null &&
      ((parent === root && root.namespaceURI === SAML_NS.protocol && root.localName === 'Response') ||
        (parent.namespaceURI === SAML_NS.assertion && parent.localName === 'Assertion'));
    if (!allowed) refuse('signature', `a Signature sits inside <${parent?.localName ?? '?'}>, where no signature belongs`);
  }
}

export function describeTime(date: Date): string {
  return date.toISOString();
}

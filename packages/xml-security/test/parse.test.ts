import { describe, expect, it } from 'vitest';
import { parseXmlSafely, XmlSecurityError } from '../src/index.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof XmlSecurityError) return error.code;
    throw error;
  }
  return 'NO_ERROR';
}

describe('parseXmlSafely', () => {
  it('parses an ordinary namespaced document with an XML declaration', () => {
    const doc = parseXmlSafely('<?xml version="1.0" encoding="UTF-8"?><a:root xmlns:a="urn:a"><a:b>x</a:b></a:root>');
    expect(doc.documentElement?.localName).toBe('root');
  });

  it('refuses a DOCTYPE, even an empty one', () => {
    expect(codeOf(() => parseXmlSafely('<!DOCTYPE a><a/>'))).toBe('XML_DTD_FORBIDDEN');
  });

  it('refuses entity expansion ("billion laughs") quickly and without expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']><lolz>&lol9;</lolz>',
    ].join('\n');
    const started = Date.now();
    expect(codeOf(() => parseXmlSafely(lol))).toBe('XML_DTD_FORBIDDEN');
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses external entities (XXE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(codeOf(() => parseXmlSafely(xxe))).toBe('XML_DTD_FORBIDDEN');
  });

  it('refuses an undeclared entity reference', () => {
    expect(codeOf(() => parseXmlSafely('<a>&foo;</a>'))).toBe('XML_MALFORMED');
  });

  it('refuses processing instructions other than the XML declaration', () => {
    expect(codeOf(() => parseXmlSafely('<?xml-stylesheet href="x"?><a/>'))).toBe('XML_PI_FORBIDDEN');
    expect(codeOf(() => parseXmlSafely('<a><?php echo 1 ?></a>'))).toBe('XML_PI_FORBIDDEN');
  });

  it('refuses several root elements and trailing content', () => {
    expect(codeOf(() => parseXmlSafely('<a/><b/>'))).toBe('XML_MULTIPLE_ROOTS');
    expect(codeOf(() => parseXmlSafely('<a/>text'))).toBe('XML_MULTIPLE_ROOTS');
  });

  it('refuses absurdly deep nesting (stack exhaustion in recursive consumers)', () => {
    expect(codeOf(() => parseXmlSafely(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`))).toBe('XML_MALFORMED');
    expect(parseXmlSafely(`${'<a>'.repeat(64)}${'</a>'.repeat(64)}`).documentElement?.localName).toBe('a');
  });

  it('refuses malformed XML, unbound prefixes, duplicate attributes and empty input', () => {
    expect(codeOf(() => parseXmlSafely('<a><b></a>'))).toBe('XML_MALFORMED');
    expect(codeOf(() => parseXmlSafely('<x:a/>'))).toBe('XML_MALFORMED');
    expect(codeOf(() => parseXmlSafely('<a b="1" b="2"/>'))).toBe('XML_MALFORMED');
    expect(codeOf(() => parseXmlSafely('   '))).toBe('XML_MALFORMED');
    expect(codeOf(() => parseXmlSafely('not xml'))).toBe('XML_MALFORMED');
  });
});

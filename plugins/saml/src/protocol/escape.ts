const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

/** Escapes text for XML/HTML element content and double- or single-quoted attributes. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"'\r\n\t]/g, (char) => XML_ESCAPES[char] ?? char);
}

/**
 * Input hygiene at the sign-in routes. A NUL byte or a lone UTF-16 surrogate in a query or form
 * parameter (state, RelayState, wctx, SAMLResponse…) is no protocol message: PostgreSQL refuses
 * to store or compare such text (`invalid byte sequence 0x00`), XML parsers choke on it. It is
 * refused up front as a protocol refusal (step `request`, traced), never a 5xx.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unsafe(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** The name of the first parameter whose name or value(s) carry a NUL byte or a lone surrogate, else null. */
export function unsafeParam(params: unknown): string | null {
  if (params === null || typeof params !== 'object') return null;
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    if (unsafe(name)) return JSON.stringify(name);
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && unsafe(v))) return name;
  }
  return null;
}

/** Why a request is refused before any protocol code sees it, or null when its parameters are clean. */
export function inputProblem(...sources: unknown[]): string | null {
  for (const source of sources) {
    const name = unsafeParam(source);
    if (name !== null) return `parameter ${name} contains a NUL byte or an unpaired surrogate`;
  }
  return null;
}

/** A single string parameter: the value, or the first of repeated values; anything else is absent. */
export function firstParam(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

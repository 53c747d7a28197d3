/** #12.10: the text rule every channel applies at its edge (packages/core/src/text.ts). */
import { describe, expect, it } from 'vitest';
import { describeInvalidText, findInvalidText, textProblem } from '@roster/core';

describe('#12.10: text rule', () => {
  it('#12.10: refuses NUL and unpaired surrogates, accepts pairs and ordinary text', () => {
    expect(textProblem('')).toBeNull();
    expect(textProblem('Zoë 😀 \ud83d\ude00 \t\n')).toBeNull();
    expect(textProblem('\u0000')).toBe('NUL');
    expect(textProblem('a\u0000b')).toBe('NUL');
    expect(textProblem('\ud800')).toBe('LONE_SURROGATE');
    expect(textProblem('\udfff')).toBe('LONE_SURROGATE');
    expect(textProblem('end\ud83d')).toBe('LONE_SURROGATE');
    expect(textProblem('\ude00start')).toBe('LONE_SURROGATE');
    expect(textProblem('\ud83d\ud83d\ude00')).toBe('LONE_SURROGATE');
    expect(textProblem(JSON.parse('"\\ud800"') as string)).toBe('LONE_SURROGATE');
  });

  it('#12.10: walks strings, arrays, objects and keys, naming the first path', () => {
    expect(findInvalidText({ a: [1, true, null, { b: 'ok' }] })).toBeNull();
    expect(findInvalidText({ emails: [{ value: 'x' }, { value: '\u0000' }] })).toEqual({ path: 'emails[1].value', reason: 'NUL' });
    expect(findInvalidText({ 'urn:x:2.0:User': { department: '\ud800' } })).toEqual({
      path: 'urn:x:2.0:User.department',
      reason: 'LONE_SURROGATE',
    });
    expect(findInvalidText({ ok: 1, ['k\u0000']: 1 })).toEqual({ path: '["k\\u0000"]', reason: 'NUL' });
    expect(findInvalidText('\u0000', 'query')).toEqual({ path: 'query', reason: 'NUL' });
    expect(findInvalidText({ a: 'x', b: '\u0000', c: '\ud800' })?.path).toBe('b');
    expect(describeInvalidText({ path: 'emails[1].value', reason: 'NUL' })).toContain('"emails[1].value" contains a NUL character');
  });

  it('#12.10: a deeply nested value does not overflow the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findInvalidText(deep)?.reason).toBe('NUL');
  });
});

/** `return_to` may only lead to Roster's own paths or listed origins (no open redirect): the one check of every SSO plugin (#12). */
import { describe, expect, it } from 'vitest';
import { checkReturnTo, inspectReturnTo } from '../src/index.js';

const allowed = ['https://app.roster.example', 'http://localhost:5173/'];

describe('return_to', () => {
  it.each([
    ['/app/leads?tab=mine#top', '/app/leads?tab=mine#top'],
    ['/', '/'],
    ['/.//evil.example', '/.//evil.example'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['https://app.roster.example/settings', 'https://app.roster.example/settings'],
    ['HTTPS://APP.ROSTER.EXAMPLE:443/x', 'https://app.roster.example/x'],
    ['http://localhost:5173/dev', 'http://localhost:5173/dev'],
  ])('accepts %s', (input, value) => {
    expect(inspectReturnTo(input, allowed)).toEqual({ ok: true, value });
  });

  it.each([
    '//evil.example',
    '//evil.example/app',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' //evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://evil.example/',
    'https://app.roster.example.evil.example/',
    'https://app.roster.example@evil.example/',
    'https://user:pw@app.roster.example/',
    'http://app.roster.example/',
    'https://app.roster.example:8443/',
    'https:evil.example',
    'evil.example',
    'app/leads',
    '',
    '/' + 'a'.repeat(3000),
  ])('refuses %j', (input) => {
    expect(inspectReturnTo(input, allowed).ok).toBe(false);
    expect(checkReturnTo(input, allowed)).toBe('/');
  });

  it('refuses non-strings and falls back', () => {
    expect(inspectReturnTo(['/a'], allowed).ok).toBe(false);
    expect(checkReturnTo('//evil.example', allowed)).toBe('/');
    expect(checkReturnTo(undefined, allowed, '/home')).toBe('/home');
  });
});

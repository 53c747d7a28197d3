import { describe, expect, it } from 'vitest';
import { buildSignInUrl, buildSignOutUrl, handleSignOutCleanup, parseWsFedMessage, WsFedRequestError } from '../src/protocol/index.js';
import { CONTOSO, TEAM_A, connection } from './support/issuer.js';

describe('passive requestor profile: sign-in and sign-out URLs', () => {
  it('builds a wsignin1.0 redirect with wtrealm, wctx, wreply and wct', () => {
    const url = new URL(buildSignInUrl(connection(), { wctx: 'state-123', now: new Date('2026-11-23T10:00:00.123Z') }));
    expect(url.origin + url.pathname).toBe(CONTOSO.signInUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      wa: 'wsignin1.0',
      wtrealm: TEAM_A.realm,
      wreply: TEAM_A.replyUrl,
      wctx: 'state-123',
      wct: '2026-11-23T10:00:00Z',
    });
  });

  it('keeps query parameters of the IdP endpoint and adds whr / wfresh when asked', () => {
    const conn = connection({ idpSignInUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/wsfed?foo=bar' });
    const url = new URL(buildSignInUrl(conn, { wctx: 's', whr: 'contoso.test', wfresh: 0 }));
    expect(url.searchParams.get('foo')).toBe('bar');
    expect(url.searchParams.get('whr')).toBe('contoso.test');
    expect(url.searchParams.get('wfresh')).toBe('0');
  });

  it('only lets wreply point back to the reply URL origin', () => {
    const url = new URL(buildSignInUrl(connection(), { wctx: 's', wreply: 'https://roster.test/other/callback' }));
    expect(url.searchParams.get('wreply')).toBe('https://roster.test/other/callback');
    expect(() => buildSignInUrl(connection(), { wctx: 's', wreply: 'https://evil.test/steal' })).toThrow(WsFedRequestError);
    expect(() => buildSignInUrl(connection(), { wctx: '' })).toThrow(WsFedRequestError);
    expect(() => buildSignInUrl(connection(), { wctx: 'x'.repeat(2000) })).toThrow(WsFedRequestError);
  });

  it('builds a wsignout1.0 URL, on a separate sign-out endpoint when configured', () => {
    const url = new URL(
      buildSignOutUrl(connection({ idpSignOutUrl: 'https://adfs.contoso.test/adfs/ls/?signout' }), { wreply: 'https://roster.test/' }),
    );
    expect(url.searchParams.get('wa')).toBe('wsignout1.0');
    expect(url.searchParams.get('wtrealm')).toBe(TEAM_A.realm);
    expect(url.searchParams.get('wreply')).toBe('https://roster.test/');
    expect(url.searchParams.has('signout')).toBe(true);
    expect(() => buildSignOutUrl(connection(), { wreply: 'javascript:alert(1)' })).toThrow(WsFedRequestError);
  });
});

describe('messages posted back to the reply URL', () => {
  it('classifies sign-in responses, sign-out and cleanup requests', () => {
    expect(parseWsFedMessage({ wa: 'wsignin1.0', wresult: '<x/>', wctx: 'abc' })).toEqual({
      action: 'signin',
      wresult: '<x/>',
      wctx: 'abc',
    });
    expect(parseWsFedMessage(new URLSearchParams('wa=wsignoutcleanup1.0&wreply=https://adfs.contoso.test/adfs/ls/'))).toEqual({
      action: 'signoutcleanup',
      wreply: 'https://adfs.contoso.test/adfs/ls/',
    });
    expect(parseWsFedMessage({ wa: 'wsignout1.0' })).toEqual({ action: 'signout' });
  });

  it('refuses missing, unknown and repeated parameters', () => {
    expect(parseWsFedMessage({})).toMatchObject({ action: 'invalid' });
    expect(parseWsFedMessage({ wa: 'wsignin1.0' })).toMatchObject({ action: 'invalid', reason: expect.stringMatching(/wresult/) });
    expect(parseWsFedMessage({ wa: 'wattr1.0' })).toMatchObject({ action: 'invalid' });
    expect(parseWsFedMessage(new URLSearchParams('wa=wsignin1.0&wresult=a&wresult=b'))).toMatchObject({
      action: 'invalid',
      reason: expect.stringMatching(/more than once/),
    });
    expect(parseWsFedMessage({ wa: ['wsignin1.0', 'wsignout1.0'] })).toMatchObject({ action: 'invalid' });
  });

  it('wsignoutcleanup1.0 always clears the session and answers with an image', () => {
    const result = handleSignOutCleanup(connection());
    expect(result.clearSession).toBe(true);
    expect(result.response).toMatchObject({ kind: 'image', status: 200, contentType: 'image/gif' });
    if (result.response.kind === 'image') expect(result.response.body.subarray(0, 6).toString()).toBe('GIF89a');
  });

  it('wsignoutcleanup1.0 redirects only to the IdP origin (no open redirect)', () => {
    expect(handleSignOutCleanup(connection(), 'https://adfs.contoso.test/adfs/ls/?wa=wsignout1.0').response).toMatchObject({
      kind: 'redirect',
      status: 302,
    });
    expect(handleSignOutCleanup(connection(), 'https://evil.test/').response.kind).toBe('image');
    expect(handleSignOutCleanup(connection(), 'not a url').response.kind).toBe('image');
  });
});

/** Claim mapping with provider presets. */
import { describe, expect, it } from 'vitest';
import { hasGroupsOverage, mapIdentity, PROVIDER_PRESETS } from '../src/index.js';

const base = { iss: 'https://idp.example', sub: 's-1' };

describe('claim mapping', () => {
  it('maps standard claims and trims values', () => {
    const id = mapIdentity(
      { claimMapping: {} },
      { ...base, email: ' a@b.example ', email_verified: true, given_name: 'A', family_name: 'B', name: 'A B', groups: ['x', 7, 'y'] },
    );
    expect(id).toMatchObject({
      subject: 's-1',
      email: 'a@b.example',
      emailVerified: true,
      givenName: 'A',
      familyName: 'B',
      name: 'A B',
      groups: ['x', 'y'],
      groupsOverage: false,
    });
  });

  it('Entra: falls back to preferred_username, never calling it verified', () => {
    const id = mapIdentity(
      { provider: 'entra', claimMapping: {} },
      { ...base, preferred_username: 'ada@contoso.example', email_verified: true, tid: 't-1' },
    );
    expect(id).toMatchObject({ email: 'ada@contoso.example', emailVerified: false, tenantId: 't-1' });
    const withEmail = mapIdentity({ provider: 'entra', claimMapping: {} }, { ...base, email: 'ada@contoso.example', xms_edov: 'true' });
    expect(withEmail).toMatchObject({ email: 'ada@contoso.example', emailVerified: true });
  });

  it('Entra groups overage is flagged (_claim_names or hasgroups)', () => {
    expect(hasGroupsOverage({ _claim_names: { groups: 'src1' } })).toBe(true);
    expect(hasGroupsOverage({ hasgroups: true })).toBe(true);
    expect(hasGroupsOverage({ groups: ['a'] })).toBe(false);
    expect(mapIdentity({ provider: 'entra', claimMapping: {} }, { ...base, hasgroups: 'true', groups: ['stale'] })).toMatchObject({
      groups: [],
      groupsOverage: true,
    });
  });

  it('custom mapping: claim lists tried in order, a single group string becomes a list', () => {
    const id = mapIdentity(
      { provider: 'auth0', claimMapping: { name: ['nickname', 'name'] } },
      { ...base, 'https://roster.app/groups': 'Managers', nickname: 'ada', name: 'Ada L' },
    );
    expect(id).toMatchObject({ groups: ['Managers'], name: 'ada' });
  });

  it('Google has no groups claim; every preset asks for openid', () => {
    expect(mapIdentity({ provider: 'google', claimMapping: {} }, { ...base, groups: ['x'], hd: 'example.com' })).toMatchObject({
      groups: [],
      hd: 'example.com',
    });
    for (const preset of Object.values(PROVIDER_PRESETS)) expect(preset.scopes).toContain('openid');
  });
});

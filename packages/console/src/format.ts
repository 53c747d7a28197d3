import type { MemberRow } from './operations.ts';

export function memberName(m: Pick<MemberRow, 'displayName' | 'givenName' | 'familyName' | 'userName'>): string {
  const full = [m.givenName, m.familyName].filter(Boolean).join(' ');
  return m.displayName || full || m.userName;
}

export const ROLE_LABEL: Record<string, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

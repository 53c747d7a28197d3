import type { ReactNode } from 'react';
import type { SsoProtocol } from '@roster/console-sdk';
import { Sso } from '../pages/Sso.tsx';
import { SsoPresets, SsoWizard } from '../pages/SsoNew.tsx';
import { SsoConnectionPage } from '../pages/SsoConnection.tsx';

/**
 * The SSO pages under `base` (`/sso` here, a setup link's own base there), or null when the path
 * is not one of them. `protocols`: those the build composed and the server loaded.
 */
export function ssoPage(path: string, teamId: string, base: string, protocols: SsoProtocol[]): ReactNode {
  if (protocols.length === 0) return null;
  if (path === base) return <Sso teamId={teamId} base={base} />;
  if (path === `${base}/new`) return <SsoPresets base={base} />;
  const rest = path.startsWith(`${base}/`) ? path.slice(base.length + 1).split('/') : [];
  if (rest.length === 2 && rest[0] === 'new') return <SsoWizard teamId={teamId} base={base} presetId={rest[1]!} />;
  const protocol = rest.length === 2 ? protocols.find((p) => p.id === rest[0]) : undefined;
  // Keyed by protocol: the page calls that protocol's hook, so another protocol is another page.
  if (protocol)
    return <SsoConnectionPage key={protocol.id} teamId={teamId} base={base} protocol={protocol} id={decodeURIComponent(rest[1]!)} />;
  return null;
}

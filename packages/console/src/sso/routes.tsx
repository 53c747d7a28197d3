import type { ReactNode } from 'react';
import { Sso } from '../pages/Sso.tsx';
import { SsoPresets, SsoWizard } from '../pages/SsoNew.tsx';
import { SsoConnectionPage } from '../pages/SsoConnection.tsx';

/** The SSO pages under `base` (`/sso` here, a setup link's own base there), or null when the path is not one of them. */
export function ssoPage(path: string, teamId: string, base: string): ReactNode {
  if (path === base) return <Sso teamId={teamId} base={base} />;
  if (path === `${base}/new`) return <SsoPresets base={base} />;
  const rest = path.startsWith(`${base}/`) ? path.slice(base.length + 1).split('/') : [];
  if (rest.length === 2 && rest[0] === 'new') return <SsoWizard teamId={teamId} base={base} presetId={rest[1]!} />;
  if (rest.length === 2 && (rest[0] === 'saml' || rest[0] === 'oidc' || rest[0] === 'wsfed'))
    return <SsoConnectionPage teamId={teamId} base={base} protocol={rest[0]} id={decodeURIComponent(rest[1]!)} />;
  return null;
}

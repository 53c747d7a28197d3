import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from '@roster/console-sdk';
import type { Viewer } from '../operations.ts';
import { useConsolePlugins } from '../plugins.tsx';

/** The console's own pages; the plugins' pages (and SSO, when a protocol is loaded) come after Groups. */
const BEFORE_PLUGINS = [
  { to: '/members', label: 'Members' },
  { to: '/groups', label: 'Groups & licenses' },
];
const AFTER_PLUGINS = [
  { to: '/setup-links', label: 'Setup links' },
  { to: '/sign-in-policy', label: 'Sign-in policy' },
  { to: '/domains', label: 'Domains' },
  { to: '/api-tokens', label: 'API tokens' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/audit', label: 'Audit log' },
];

/** `team`: the team whose pages these are (a platform admin's pick, or the viewer's own); null on the teams list. */
export function Layout({
  viewer,
  team,
  onSignOut,
  children,
}: {
  viewer: Viewer;
  team: { name: string; slug: string } | null;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const { path } = useLocation();
  const plugins = useConsolePlugins();
  const nav = [
    ...BEFORE_PLUGINS,
    ...(plugins.sso.length > 0 ? [{ to: '/sso', label: 'SSO' }] : []),
    ...plugins.pages.map((p) => ({ to: p.path, label: p.label })),
    ...AFTER_PLUGINS,
  ];
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After an in-app navigation, focus moves to the new page's content (where a page load would
  // put a screen reader), not left on a link that no longer exists.
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to={team ? '/members' : '/teams'} unscoped={!team} className="brand">
            <span className="brand-mark" aria-hidden="true">
              R
            </span>
            Roster <span className="brand-sub">admin</span>
          </Link>
          {team && (
            <span className="team-name" title={team.slug}>
              {team.name}
            </span>
          )}
          <nav aria-label="Main" className="nav">
            {viewer.platformAdmin && (
              <Link to="/teams" unscoped aria-current={!team ? 'page' : undefined}>
                All teams
              </Link>
            )}
            {(team ? nav : []).map((item) => (
              <Link key={item.to} to={item.to} aria-current={path.startsWith(item.to) ? 'page' : undefined}>
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="account">
            <span className="account-login" title="Signed in as">
              {viewer.login}
            </span>
            <button type="button" className="button button-quiet" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="content">
        {children}
      </main>
    </>
  );
}

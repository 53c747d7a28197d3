import { useMemo, type ReactNode } from 'react';
import { Provider, useQuery } from 'urql';
import { ErrorMessage, Link, formatDate, useLocation, useTitle } from '@roster/console-sdk';
import { createClient } from '../client.ts';
import { SetupLinkQuery } from '../operations.ts';
import { SetupGroups } from './SetupGroups.tsx';
import { ssoPage } from '../sso/routes.tsx';
import { LoadedPlugins, pageAt, useConsolePlugins } from '../plugins.tsx';

/** The header the API reads a setup link from (packages/server/src/graphql.ts). */
const SETUP_HEADER = 'roster-setup-link';

/**
 * The page a setup link opens (`/admin/setup/<secret>`), for a customer's IT admin with no Roster
 * account: its own GraphQL client sends the link instead of a session, and the API lets it reach
 * the team's SSO and / or SCIM configuration only. The same SSO wizards and SCIM page as the
 * admin console, under this link's path.
 */
export function SetupPortal({ path }: { path: string }) {
  const secret = path.split('/')[2] ?? '';
  const client = useMemo(() => createClient({ [SETUP_HEADER]: decodeURIComponent(secret) }), [secret]);
  return (
    <Provider value={client}>
      <Portal base={`/setup/${secret}`} path={path} />
    </Provider>
  );
}

function Portal({ base, path }: { base: string; path: string }) {
  const [result] = useQuery({ query: SetupLinkQuery });
  const link = result.data?.setupLink;

  if (result.error) {
    const code = result.error.graphQLErrors[0]?.extensions?.code;
    const refused = code === 'SETUP_LINK_EXPIRED' || code === 'SETUP_LINK_REVOKED' || code === 'SETUP_LINK_INVALID';
    return (
      <Shell>
        <h1>{refused ? 'This setup link can’t be used' : 'Setup could not start'}</h1>
        <ErrorMessage error={result.error} title={refused ? 'The link was refused' : 'Roster answered with an error'} />
      </Shell>
    );
  }
  if (!result.data)
    return (
      <p className="boot" role="status">
        Loading setup…
      </p>
    );
  if (!link)
    return (
      <Shell>
        <h1>This setup link can’t be used</h1>
        <p>Ask the person who sent you the link for a new one.</p>
      </Shell>
    );

  return (
    <LoadedPlugins names={result.data.plugins.map((p) => p.name)}>
      <Steps base={base} path={path} link={link} />
    </LoadedPlugins>
  );
}

/** The core's own step of a `scim` link: linking the IdP's groups to license types (R13, R15). */
const GROUPS_STEP = { path: '/license-groups', label: 'Map groups to licenses' };

/**
 * The link's steps: single sign-on (the SSO wizards of every loaded protocol) for the `sso`
 * scope, each plugin page whose `setupScope` the link has (SCIM's page for `scim`), and for
 * `scim` mapping the groups the IdP pushes to license types.
 */
function Steps({
  base,
  path,
  link,
}: {
  base: string;
  path: string;
  link: { scopes: string[]; expiresAt: string; team: { id: string; name: string } };
}) {
  const plugins = useConsolePlugins();
  const teamId = link.team.id;
  const sso = link.scopes.includes('sso') && plugins.sso.length > 0;
  const pages = plugins.pages.filter((p) => p.setupScope && link.scopes.includes(p.setupScope));
  const groups = link.scopes.includes('scim');
  const steps = [
    ...(sso ? [{ to: `${base}/sso`, label: 'Single sign-on' }] : []),
    ...pages.map((p) => ({ to: `${base}${p.path}`, label: p.setupLabel ?? p.label })),
    ...(groups ? [{ to: `${base}${GROUPS_STEP.path}`, label: GROUPS_STEP.label }] : []),
  ];
  const rest = path.slice(base.length);
  const own = path.startsWith(`${base}/`) ? pageAt(pages, rest) : undefined;
  const page =
    (sso && ssoPage(path, teamId, `${base}/sso`, plugins.sso)) ||
    (own ? <own.component key={own.path} teamId={teamId} path={rest} base={`${base}${own.path}`} /> : null) ||
    (groups && rest === GROUPS_STEP.path ? <SetupGroups teamId={teamId} /> : null) ||
    (path === base ? <Overview team={link.team.name} steps={steps} /> : <NotHere base={base} />);

  return (
    <Shell
      nav={steps}
      aside={
        <>
          Setting up <strong>{link.team.name}</strong> · link valid until {formatDate(link.expiresAt)}
        </>
      }
    >
      {page}
    </Shell>
  );
}

function Shell({ children, nav = [], aside }: { children: ReactNode; nav?: Array<{ to: string; label: string }>; aside?: ReactNode }) {
  const { path } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true">
              R
            </span>
            Roster <span className="brand-sub">setup</span>
          </span>
          {nav.length > 0 && (
            <nav aria-label="Setup" className="nav">
              {nav.map((item) => (
                <Link key={item.to} to={item.to} aria-current={path.startsWith(item.to) ? 'page' : undefined}>
                  {item.label}
                </Link>
              ))}
            </nav>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="content">
        {aside && <p className="muted">{aside}</p>}
        {children}
      </main>
    </>
  );
}

function Overview({ team, steps }: { team: string; steps: Array<{ to: string; label: string }> }) {
  useTitle(`Set up ${team}`);
  return (
    <>
      <h1>Set up {team}</h1>
      <p>
        You were sent this link to connect {team}’s Roster account to your identity provider. No Roster account is needed; the link works
        until it expires or is revoked, and only for the steps below.
      </p>
      <ol className="setup-steps">
        {steps.map((s) => (
          <li key={s.to}>
            <Link to={s.to}>{s.label}</Link>
          </li>
        ))}
      </ol>
    </>
  );
}

function NotHere({ base }: { base: string }) {
  useTitle('Not part of this setup');
  return (
    <div className="empty">
      <h1>Not part of this setup</h1>
      <p>
        This link doesn’t open that page. <Link to={base}>Back to the setup steps</Link>
      </p>
    </div>
  );
}

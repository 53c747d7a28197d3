import { useEffect, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { ErrorMessage, Link, href, navigate, scopedTeamId, useLocation, useTitle } from '@roster/console-sdk';
import { Layout } from './components/Layout.tsx';
import { MeQuery, TeamQuery, type Viewer } from './operations.ts';
import { signOut } from './auth.ts';
import { SignIn } from './pages/SignIn.tsx';
import { Members } from './pages/Members.tsx';
import { MemberPage } from './pages/Member.tsx';
import { Groups } from './pages/Groups.tsx';
import { TEST_DONE_PATH } from './pages/SsoConnection.tsx';
import { ssoPage } from './sso/routes.tsx';
import { LoadedPlugins, pageAt, useConsolePlugins } from './plugins.tsx';
import { SetupPortal } from './pages/SetupPortal.tsx';
import { SetupLinks } from './pages/SetupLinks.tsx';
import { SignInPolicyPage } from './pages/SignInPolicy.tsx';
import { Domains } from './pages/Domains.tsx';
import { ApiTokens } from './pages/ApiTokens.tsx';
import { AuditLog } from './pages/AuditLog.tsx';
import { Webhooks } from './pages/Webhooks.tsx';
import { WebhookEndpointPage } from './pages/WebhookEndpoint.tsx';
import { Teams } from './pages/Teams.tsx';

export function App() {
  const { path } = useLocation();
  // A setup link's page needs no Roster account: it talks to the API with the link, not a session.
  if (path.startsWith('/setup/')) return <SetupPortal path={path} />;
  return <AdminApp path={path} />;
}

function AdminApp({ path }: { path: string }) {
  const [me, refetchMe] = useQuery({ query: MeQuery });
  const viewer = me.data?.me;
  const reloadViewer = () => refetchMe({ requestPolicy: 'network-only' });

  // Signed in on the sign-in page (or at the root): the members list, or a platform admin's teams.
  const teamId = scopedTeamId();
  useEffect(() => {
    if (!viewer || !(path === '/' || path === '/sign-in')) return;
    if (!viewer.team && viewer.platformAdmin && !teamId) navigate('/teams', { replace: true, unscoped: true });
    else navigate('/members', { replace: true });
  }, [viewer, path, teamId]);

  // The tab a test sign-in opened: whoever it signed in, it only says where the result is.
  if (path === TEST_DONE_PATH) return <TestDone />;
  if (me.error) {
    return (
      <main className="centered" id="main">
        <div className="card">
          <h1>Roster admin</h1>
          <ErrorMessage error={me.error} title="The console could not start" />
          <button type="button" className="button" onClick={reloadViewer}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!me.data)
    return (
      <p className="boot" role="status">
        Loading Roster admin…
      </p>
    );
  if (!viewer) return <SignIn onSignedIn={reloadViewer} />;

  // A fresh page load after sign-out: nothing of the session's data stays in memory.
  const onSignOut = async () => {
    await signOut();
    window.location.assign(href('/sign-in', { unscoped: true }));
  };

  // A platform admin works on the team the URL names (`/teams/<id>/…`), or picks one.
  if (viewer.platformAdmin && !viewer.team) {
    return (
      <LoadedPlugins names={me.data.plugins.map((p) => p.name)}>
        {teamId ? (
          <PlatformTeam viewer={viewer} teamId={teamId} path={path} onSignOut={() => void onSignOut()} />
        ) : (
          <Layout viewer={viewer} team={null} onSignOut={() => void onSignOut()}>
            <Teams />
          </Layout>
        )}
      </LoadedPlugins>
    );
  }
  return (
    <LoadedPlugins names={me.data.plugins.map((p) => p.name)}>
      <Layout viewer={viewer} team={viewer.team} onSignOut={() => void onSignOut()}>
        <Page path={path} viewer={viewer} />
      </Layout>
    </LoadedPlugins>
  );
}

function PlatformTeam({ viewer, teamId, path, onSignOut }: { viewer: Viewer; teamId: string; path: string; onSignOut: () => void }) {
  const [result] = useQuery({ query: TeamQuery, variables: { id: teamId } });
  const team = result.data?.team ?? null;
  return (
    <Layout viewer={viewer} team={team} onSignOut={onSignOut}>
      <ErrorMessage error={result.error} title="The team could not be opened" />
      {team && <Page path={path} viewer={{ ...viewer, team }} />}
    </Layout>
  );
}

function Page({ path, viewer }: { path: string; viewer: Viewer }) {
  const plugins = useConsolePlugins();
  if (!viewer.team) {
    return (
      <Notice title="No team">You are signed in without a team. Ask a team admin to add you, or a platform admin to make you one.</Notice>
    );
  }
  if (viewer.member?.role === 'member') {
    return (
      <Notice title="Admins only">
        This console is for team admins and owners. Ask an admin of {viewer.team.name} if you need access.
      </Notice>
    );
  }
  if (path === '/members' || path === '/' || path === '/sign-in') return <Members teamId={viewer.team.id} />;
  const member = /^\/members\/([^/]+)$/.exec(path);
  if (member) return <MemberPage id={decodeURIComponent(member[1])} />;
  if (path === '/groups') return <Groups teamId={viewer.team.id} />;
  if (path === '/setup-links') return <SetupLinks teamId={viewer.team.id} />;
  if (path === '/sign-in-policy') return <SignInPolicyPage teamId={viewer.team.id} />;
  if (path === '/domains') return <Domains teamId={viewer.team.id} />;
  if (path === '/api-tokens') return <ApiTokens teamId={viewer.team.id} />;
  if (path === '/audit') return <AuditLog teamId={viewer.team.id} />;
  if (path === '/webhooks') return <Webhooks teamId={viewer.team.id} />;
  const webhook = /^\/webhooks\/([^/]+)$/.exec(path);
  if (webhook) return <WebhookEndpointPage teamId={viewer.team.id} id={decodeURIComponent(webhook[1])} />;
  const sso = ssoPage(path, viewer.team.id, '/sso', plugins.sso);
  if (sso) return sso;
  // A plugin's page (composed at build time, its plugin loaded by the server).
  const page = pageAt(plugins.pages, path);
  if (page) return <page.component key={page.path} teamId={viewer.team.id} path={path} base={page.path} />;
  return (
    <Notice title="Page not found">
      There is no page at this address. <Link to="/members">Go to the members list</Link>.
    </Notice>
  );
}

function TestDone() {
  useTitle('Test sign-in finished');
  return (
    <main className="centered" id="main">
      <div className="card">
        <h1>Test sign-in finished</h1>
        <p>The identity provider sent you back to Roster. Close this tab: the tab you started from shows each step of the sign-in.</p>
      </div>
    </main>
  );
}

function Notice({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title);
  return (
    <div className="empty">
      <h1>{title}</h1>
      <p>{children}</p>
    </div>
  );
}

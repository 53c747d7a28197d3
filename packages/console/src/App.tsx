import { useEffect, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { ErrorMessage } from './components/ErrorMessage.tsx';
import { Layout } from './components/Layout.tsx';
import { MeQuery, type Viewer } from './operations.ts';
import { signOut } from './auth.ts';
import { Link, href, navigate, useLocation } from './router.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Members } from './pages/Members.tsx';
import { MemberPage } from './pages/Member.tsx';
import { Groups } from './pages/Groups.tsx';
import { Scim } from './pages/Scim.tsx';
import { TEST_DONE_PATH } from './pages/SsoConnection.tsx';
import { ssoPage } from './sso/routes.tsx';
import { useTitle } from './title.ts';
import { SetupPortal } from './pages/SetupPortal.tsx';
import { SetupLinks } from './pages/SetupLinks.tsx';
import { SignInPolicyPage } from './pages/SignInPolicy.tsx';
import { Domains } from './pages/Domains.tsx';
import { ApiTokens } from './pages/ApiTokens.tsx';
import { AuditLog } from './pages/AuditLog.tsx';
import { Webhooks } from './pages/Webhooks.tsx';
import { WebhookEndpointPage } from './pages/WebhookEndpoint.tsx';

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

  // Signed in on the sign-in page (or at the root): go to the members list.
  useEffect(() => {
    if (viewer && (path === '/' || path === '/sign-in')) navigate('/members', { replace: true });
  }, [viewer, path]);

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
    window.location.assign(href('/sign-in'));
  };

  return (
    <Layout viewer={viewer} onSignOut={() => void onSignOut()}>
      <Page path={path} viewer={viewer} />
    </Layout>
  );
}

function Page({ path, viewer }: { path: string; viewer: Viewer }) {
  if (!viewer.team) {
    return (
      <Notice title="No team">
        You are signed in as a platform admin without a team. Choosing a team here is not built yet; use the GraphQL API.
      </Notice>
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
  if (path === '/scim') return <Scim teamId={viewer.team.id} />;
  if (path === '/setup-links') return <SetupLinks teamId={viewer.team.id} />;
  if (path === '/sign-in-policy') return <SignInPolicyPage teamId={viewer.team.id} />;
  if (path === '/domains') return <Domains teamId={viewer.team.id} />;
  if (path === '/api-tokens') return <ApiTokens teamId={viewer.team.id} />;
  if (path === '/audit') return <AuditLog teamId={viewer.team.id} />;
  if (path === '/webhooks') return <Webhooks teamId={viewer.team.id} />;
  const webhook = /^\/webhooks\/([^/]+)$/.exec(path);
  if (webhook) return <WebhookEndpointPage teamId={viewer.team.id} id={decodeURIComponent(webhook[1])} />;
  const sso = ssoPage(path, viewer.team.id, '/sso');
  if (sso) return sso;
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

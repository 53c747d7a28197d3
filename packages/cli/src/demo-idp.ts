import { connectDemoTeam, DEMO_DOMAIN, PEOPLE, refusalReason } from '@roster/plugin-demo-idp';
import { DEMO, verifyDemoDomain, type Roster } from '@roster/server';

/**
 * After the demo server listens: wires the demo team to the test IdPs through the public API (as
 * an admin would; see connectDemoTeam) and verifies the demo domain (an operator's act), then
 * returns the banner lines. Nothing when the demo-idp plugin is off or refused to mount.
 */
export async function wireDemoIdps(roster: Roster): Promise<string[]> {
  const cfg = roster.config;
  if (!cfg.plugins.includes('demo-idp')) return [];
  const reason = refusalReason(
    { dataDir: cfg.databaseUrl ? null : cfg.dataDir, sharedDatabase: cfg.databaseUrl !== null },
    { production: cfg.production },
  );
  if (reason) return [`Test identity providers: not mounted (${reason}); they run only on the embedded demo database.`];
  const team = await roster.core.teams.bySlug(DEMO.slug);
  if (!team) return [];
  await verifyDemoDomain(roster.core, team.id, DEMO_DOMAIN);
  const wired = await connectDemoTeam({ baseUrl: cfg.publicUrl, dataDir: cfg.dataDir, email: DEMO.email, password: DEMO.password });
  const who = PEOPLE.filter((p) => p.membership === 'active')[0]?.email ?? `ada@${DEMO_DOMAIN}`;
  return [
    `Test identity providers (demo only) — sign in with SSO as a made-up person of ${DEMO_DOMAIN}, in a browser:`,
    `  SAML 2.0:        ${wired.saml.loginUrl}`,
    `  SAML IdP-init.:  ${wired.samlIdpInitiatedUrl}`,
    `  OpenID Connect:  ${wired.oidc.loginUrl}`,
    `  WS-Federation:   ${wired.wsfed.loginUrl}`,
    `  Home-realm discovery: curl '${cfg.publicUrl}/auth/discover?email=${encodeURIComponent(who)}'`,
  ];
}

/**
 * Wires a team to the test IdPs the way an admin would: signs in with the admin's password and
 * uses Roster's public GraphQL API (the same calls the console makes): one connection per
 * protocol, configured from the IdPs' metadata; SSO allowed in the sign-in policy; the directory's
 * people added as members (one of them inactive). Idempotent: a second run updates the same
 * connections (the public URL may have changed) and adds nobody twice.
 *
 * The verified domain is not set here: verifying without DNS is a platform operator's act, which
 * the demo seed does (packages/server/src/demo.ts).
 */
import { join } from 'node:path';
import { loadOrCreateKeys } from './keys.js';
import { OIDC_CLIENT_ID } from './oidc-idp.js';
import { PEOPLE } from './people.js';
import { idpUrls } from './routes.js';

export const CONNECTION_NAMES = { saml: 'Demo SAML IdP', oidc: 'Demo OpenID Provider', wsfed: 'Demo WS-Fed IdP' } as const;

export interface DemoConnection {
  id: string;
  loginUrl: string;
}

export interface DemoWiring {
  teamId: string;
  saml: DemoConnection;
  oidc: DemoConnection;
  wsfed: DemoConnection;
  /** Where a person starts an IdP-initiated SAML sign-in. */
  samlIdpInitiatedUrl: string;
}

interface Team {
  id: string;
  samlConnections: Array<DemoConnection & { name: string | null }>;
  oidcConnections: Array<DemoConnection & { name: string | null }>;
  wsfedConnections: Array<DemoConnection & { name: string | null }>;
  members: { edges: Array<{ node: { id: string; email: string | null; status: string } }> };
}

export async function connectDemoTeam(input: {
  /** Roster's base URL (the public URL). */
  baseUrl: string;
  /** The data folder the demo-idp plugin keeps its keys in (for the OIDC client secret). */
  dataDir: string;
  /** A team admin of the team to wire (the demo team's owner). */
  email: string;
  password: string;
}): Promise<DemoWiring> {
  const base = input.baseUrl.replace(/\/$/, '');
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: input.email, password: input.password }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
  if (!login.ok || !cookie) throw new Error(`demo-idp: could not sign in as ${input.email} (${login.status})`);
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length || !body.data) throw new Error(`demo-idp: ${body.errors?.map((e) => e.message).join('; ') ?? res.status}`);
    return body.data;
  };

  const read = async (): Promise<Team> => {
    const { me } = await gql<{ me: { team: Team | null } | null }>(`{ me { team { id
      samlConnections { id name loginUrl } oidcConnections { id name loginUrl } wsfedConnections { id name loginUrl }
      members(first: 200) { edges { node { id email status } } } } } }`);
    if (!me?.team) throw new Error(`demo-idp: ${input.email} is not a team admin`);
    return me.team;
  };
  const team = await read();
  const urls = idpUrls(base);
  const metadataXml = await (await fetch(urls.samlMetadata)).text();
  const certificate = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(metadataXml)?.[1];
  if (!certificate) throw new Error('demo-idp: the test IdPs are not mounted here (no SAML metadata at /demo-idp/saml/metadata)');
  const keys = await loadOrCreateKeys(join(input.dataDir, 'demo-idp'));

  // SAML: from the IdP's metadata, as an admin pastes it; IdP-initiated sign-in allowed.
  const samlInput = {
    name: CONNECTION_NAMES.saml,
    metadataXml,
    allowIdpInitiated: true,
    attributeMapping: { email: ['email'], givenName: ['firstName'], familyName: ['lastName'], groups: ['groups'] },
  };
  const saml = team.samlConnections.find((c) => c.name === CONNECTION_NAMES.saml);
  const samlId = saml
    ? (
        await gql<{ updateSamlConnection: { id: string } }>(
          'mutation($id: ID!, $i: SamlConnectionInput!) { updateSamlConnection(id: $id, input: $i) { id } }',
          { id: saml.id, i: samlInput },
        )
      ).updateSamlConnection.id
    : (
        await gql<{ createSamlConnection: { id: string } }>(
          'mutation($t: ID!, $i: SamlConnectionInput!) { createSamlConnection(teamId: $t, input: $i) { id } }',
          { t: team.id, i: samlInput },
        )
      ).createSamlConnection.id;

  // OpenID Connect: discovery from the issuer; plain http only on a local demo URL.
  const insecure = urls.oidcIssuer.startsWith('http://');
  const oidcFields = {
    name: CONNECTION_NAMES.oidc,
    issuer: urls.oidcIssuer,
    clientId: OIDC_CLIENT_ID,
    clientSecret: keys.oidcClientSecret,
    allowInsecureRequests: insecure,
    scopes: ['openid', 'email', 'profile'],
  };
  const oidc = team.oidcConnections.find((c) => c.name === CONNECTION_NAMES.oidc);
  const oidcId = oidc
    ? (
        await gql<{ updateOidcConnection: { id: string } }>(
          'mutation($id: ID!, $i: UpdateOidcConnectionInput!) { updateOidcConnection(id: $id, input: $i) { id } }',
          { id: oidc.id, i: oidcFields },
        )
      ).updateOidcConnection.id
    : (
        await gql<{ createOidcConnection: { id: string } }>(
          'mutation($t: ID!, $i: CreateOidcConnectionInput!) { createOidcConnection(teamId: $t, input: $i) { id } }',
          { t: team.id, i: oidcFields },
        )
      ).createOidcConnection.id;

  // WS-Federation: issuer, passive sign-in URL and the token-signing certificate.
  const wsfedInput = {
    name: CONNECTION_NAMES.wsfed,
    idpIssuer: urls.wsfedIssuer,
    idpSignInUrl: urls.wsfedSignIn,
    signingCertificates: [`-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----\n`],
  };
  const wsfed = team.wsfedConnections.find((c) => c.name === CONNECTION_NAMES.wsfed);
  const wsfedId = wsfed
    ? (
        await gql<{ updateWsFedConnection: { id: string } }>(
          'mutation($id: ID!, $i: WsFedConnectionInput!) { updateWsFedConnection(id: $id, input: $i) { id } }',
          { id: wsfed.id, i: wsfedInput },
        )
      ).updateWsFedConnection.id
    : (
        await gql<{ createWsFedConnection: { id: string } }>(
          'mutation($t: ID!, $i: WsFedConnectionInput!) { createWsFedConnection(teamId: $t, input: $i) { id } }',
          { t: team.id, i: wsfedInput },
        )
      ).createWsFedConnection.id;

  await gql(
    'mutation($t: ID!) { setSignInPolicy(teamId: $t, policy: { methods: ["password", "saml", "oidc", "wsfed"], ssoRequired: false, jitProvisioning: false }) { id } }',
    { t: team.id },
  );

  // The directory's people, as members: the unknown user stays out, the inactive one is deactivated.
  const byEmail = new Map(team.members.edges.map((e) => [e.node.email?.toLowerCase(), e.node]));
  for (const person of PEOPLE) {
    if (person.membership === 'none') continue;
    let member = byEmail.get(person.email);
    if (!member)
      member = (
        await gql<{ addMember: { id: string; email: string; status: string } }>(
          'mutation($t: ID!, $i: AddMemberInput!) { addMember(teamId: $t, input: $i) { id email status } }',
          { t: team.id, i: { email: person.email, givenName: person.givenName, familyName: person.familyName } },
        )
      ).addMember;
    if (person.membership === 'inactive' && member.status === 'active')
      await gql('mutation($id: ID!) { deactivateMember(id: $id) { id } }', { id: member.id });
  }

  const after = await read();
  const pick = (list: Array<DemoConnection & { name: string | null }>, id: string): DemoConnection => {
    const c = list.find((x) => x.id === id);
    if (!c) throw new Error(`demo-idp: connection ${id} not found after wiring`);
    return { id: c.id, loginUrl: c.loginUrl };
  };
  return {
    teamId: team.id,
    saml: pick(after.samlConnections, samlId),
    oidc: pick(after.oidcConnections, oidcId),
    wsfed: pick(after.wsfedConnections, wsfedId),
    samlIdpInitiatedUrl: `${urls.samlIdpInitiated}?connection=${samlId}`,
  };
}

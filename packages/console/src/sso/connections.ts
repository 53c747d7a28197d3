/**
 * The team's SSO connections of every installed protocol, in one shape the pages share. Each
 * protocol is its own query: a protocol whose plugin is not installed has no field in the
 * schema, and its query's validation error then means "not installed", not a failure.
 */
import { useCallback, useMemo } from 'react';
import { useQuery, type CombinedError } from 'urql';
import {
  OidcConnectionsQuery,
  SamlConnectionsQuery,
  WsFedConnectionsQuery,
  type OidcConnectionRow,
  type SamlConnectionRow,
  type SignInAttemptRow,
  type WsFedConnectionRow,
} from '../operations.ts';
import { PRESETS, type Protocol } from './presets.ts';

export interface CopyValue {
  label: string;
  value: string;
  hint: string;
}

export interface Certificate {
  subject: string;
  notAfter: string;
  daysLeft: number;
  expired: boolean;
  expiresSoon: boolean;
  fingerprintSha256: string;
}

export interface SsoConnection {
  protocol: Protocol;
  id: string;
  name: string;
  enabled: boolean;
  /** The IdP it was set up for, in words. */
  idpLabel: string;
  idp: string;
  createdAt: string;
  loginUrl: string;
  /** What to paste into the IdP. */
  values: CopyValue[];
  certificates: Certificate[];
  mapping: Array<[field: string, names: string[]]>;
  metadataError: string | null;
  attempts: SignInAttemptRow[];
}

const labelOf = (protocol: Protocol, id: string): string =>
  PRESETS.find(
    (p) => p.protocol === protocol && ('samlPreset' in p ? p.samlPreset : 'oidcProvider' in p ? p.oidcProvider : p.wsfedPreset) === id,
  )?.label ?? id;

const mappingOf = (m: { email?: string[] | null; givenName?: string[] | null; familyName?: string[] | null; groups?: string[] | null }) =>
  (
    [
      ['Email', m.email ?? []],
      ['First name', m.givenName ?? []],
      ['Last name', m.familyName ?? []],
      ['Groups', m.groups ?? []],
    ] as Array<[string, string[]]>
  ).filter(([, names]) => names.length > 0);

function fromSaml(c: SamlConnectionRow): SsoConnection {
  return {
    protocol: 'saml',
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    idpLabel: labelOf('saml', c.preset),
    idp: c.idpEntityId,
    createdAt: c.createdAt,
    loginUrl: c.loginUrl,
    values: [
      { label: 'ACS URL', value: c.acsUrl, hint: 'Single sign-on URL (Okta), Reply URL (Entra ID), ACS URL (Google, OneLogin).' },
      { label: 'Entity ID', value: c.entityId, hint: 'Audience URI (Okta), Identifier (Entra ID), SP entity ID elsewhere.' },
      { label: 'SP metadata URL', value: c.metadataUrl, hint: 'For IdPs that import the service provider from its metadata.' },
    ],
    certificates: c.certificates,
    mapping: mappingOf(c.attributeMapping),
    metadataError: c.metadataError ?? null,
    attempts: c.attempts,
  };
}

function fromOidc(c: OidcConnectionRow): SsoConnection {
  return {
    protocol: 'oidc',
    id: c.id,
    name: c.name ?? labelOf('oidc', c.provider),
    enabled: c.enabled,
    idpLabel: labelOf('oidc', c.provider),
    idp: c.issuer,
    createdAt: c.createdAt,
    loginUrl: c.loginUrl,
    values: [{ label: 'Redirect URI', value: c.redirectUri, hint: 'Sign-in redirect URI / Allowed callback URL of the client.' }],
    certificates: [],
    mapping: mappingOf(c.claimMapping),
    metadataError: null,
    attempts: c.attempts,
  };
}

function fromWsFed(c: WsFedConnectionRow): SsoConnection {
  return {
    protocol: 'wsfed',
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    idpLabel: labelOf('wsfed', c.claimPreset),
    idp: c.idpIssuer,
    createdAt: c.createdAt,
    loginUrl: c.loginUrl,
    values: [
      { label: 'Reply URL', value: c.replyUrl, hint: 'WS-Federation Passive protocol URL (AD FS), Redirect URI (Entra ID).' },
      { label: 'Realm', value: c.realm, hint: 'Relying party trust identifier (AD FS), Application ID URI (Entra ID).' },
    ],
    certificates: c.certificates,
    mapping: mappingOf(c.claimMapping),
    metadataError: c.metadataError ?? null,
    attempts: c.attempts,
  };
}

/** A validation error on the protocol's field: its plugin is not installed on this Roster. */
const notInstalled = (e: CombinedError | undefined) =>
  !!e && e.graphQLErrors.length > 0 && e.graphQLErrors.every((g) => g.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');

export function useSsoConnections(teamId: string, poll = false) {
  const policy = poll ? 'network-only' : 'cache-and-network';
  const [saml, refetchSaml] = useQuery({ query: SamlConnectionsQuery, variables: { teamId }, requestPolicy: policy });
  const [oidc, refetchOidc] = useQuery({ query: OidcConnectionsQuery, variables: { teamId }, requestPolicy: policy });
  const [wsfed, refetchWsFed] = useQuery({ query: WsFedConnectionsQuery, variables: { teamId }, requestPolicy: policy });
  const results = [saml, oidc, wsfed];
  const connections = useMemo(
    () => [
      ...(saml.data?.team.samlConnections.map(fromSaml) ?? []),
      ...(oidc.data?.team.oidcConnections.map(fromOidc) ?? []),
      ...(wsfed.data?.team.wsfedConnections.map(fromWsFed) ?? []),
    ],
    [saml.data, oidc.data, wsfed.data],
  );
  const installed: Protocol[] = (['saml', 'oidc', 'wsfed'] as const).filter((_, i) => !notInstalled(results[i]!.error));
  const error = results.map((r) => r.error).find((e) => e && !notInstalled(e)) ?? null;
  const loaded = results.every((r) => r.data || r.error);
  const refetch = useCallback(() => {
    const network = { requestPolicy: 'network-only' as const };
    refetchSaml(network);
    refetchOidc(network);
    refetchWsFed(network);
  }, [refetchSaml, refetchOidc, refetchWsFed]);
  return { connections, installed, error, loaded, refetch };
}

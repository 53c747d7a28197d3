/**
 * What an SSO protocol plugin hands the console's SSO section: its connections in one shape,
 * its IdP presets, the wizard's form, and the steps of a sign-in trace. The console keeps the
 * shells (the list of every protocol's connections, the wizard frame, the connection page with
 * Test sign-in); the protocol keeps what only it knows.
 */
import type { ComponentType } from 'react';
import type { CombinedError, TypedDocumentNode } from 'urql';

/** One value to paste into the IdP, with what the IdPs call it. */
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

/** A sign-in through a connection, as the plugins record it (`attempts` on their connection types). */
export interface SignInAttempt {
  at: string;
  outcome: string;
  /** The plugin's step code that refused (R19), or null. */
  step?: string | null;
  reason?: string | null;
  email?: string | null;
  subject?: string | null;
}

/** A connection of any protocol, in the shape the console's pages share. */
export interface SsoConnection {
  /** The protocol's `id` (`saml`): its connection pages live under `<sso base>/<protocol>/<id>`. */
  protocol: string;
  id: string;
  name: string;
  enabled: boolean;
  /** The IdP it was set up for, in words. */
  idpLabel: string;
  /** The IdP's own identifier (entity ID, issuer). */
  idp: string;
  createdAt: string;
  /** Where a test sign-in starts (the console adds `return_to` and `login_hint`). */
  loginUrl: string;
  /** What to paste into the IdP. */
  values: CopyValue[];
  certificates: Certificate[];
  /** Roster's field → the attribute or claim names read for it, first found wins. */
  mapping: Array<[field: string, names: string[]]>;
  metadataError: string | null;
  /** Newest first. */
  attempts: SignInAttempt[];
}

/** An entry of the wizard's first step: an IdP, and what to do in its admin console. Data only. */
export interface SsoPreset {
  /** Unique across every protocol: the wizard's URL (`<sso base>/new/<id>`). */
  id: string;
  label: string;
  /** Where in the IdP's admin console the app is created, one step a line. */
  steps: string[];
  /** What the IdP should send: Roster's field → the attribute or claim name. */
  mapping: Array<[field: string, name: string]>;
  /** "Other SAML 2.0 IdP": listed after the named IdPs. */
  generic?: boolean;
}

/** One step of a sign-in as a person follows it, and the plugin's step codes that belong to it. */
export interface TraceStep {
  label: string;
  codes: string[];
}

export interface SsoConnectionsResult {
  connections: SsoConnection[];
  /** A failure other than "this protocol's fields are not in the schema". */
  error: CombinedError | null;
  loaded: boolean;
  refetch: () => void;
}

export interface SsoProtocol {
  /** `saml`, `oidc`: in URLs, and the `protocol` of its connections. */
  id: string;
  /** `SAML 2.0`. */
  label: string;
  /** The GraphQL type of its connections, so the console's queries refetch after a change. */
  typename: string;
  presets: SsoPreset[];
  /** The values the connection's page will list, in words, for the wizard (`ACS URL, entity ID`). */
  valuesHint: string;
  /**
   * The team's connections of this protocol. A React hook: the console calls it on every render
   * of its SSO pages; `poll` asks for fresh data (a test sign-in is running); `pause` when the
   * server did not load the plugin.
   */
  useConnections: (teamId: string, opts: { poll: boolean; pause: boolean }) => SsoConnectionsResult;
  /** Step 2 of the wizard: what Roster needs from the IdP. Calls `onCreated` with the new connection's id. */
  NewConnectionForm: ComponentType<{ teamId: string; preset: SsoPreset; onCreated: (id: string) => void }>;
  /** `mutation ($id: ID!) { deleteXConnection(id: $id) }`. */
  deleteConnection: TypedDocumentNode<unknown, { id: string }>;
  /**
   * The protocol's steps of a sign-in, in order, before the two every protocol shares (the team's
   * policy, the session). A refusal whose code no step lists fails the first step.
   */
  traceSteps: TraceStep[];
}

/** Roster's field → names, without the fields a connection reads nothing for. */
export function mappingOf(m: {
  email?: string[] | null;
  givenName?: string[] | null;
  familyName?: string[] | null;
  groups?: string[] | null;
}): Array<[string, string[]]> {
  return (
    [
      ['Email', m.email ?? []],
      ['First name', m.givenName ?? []],
      ['Last name', m.familyName ?? []],
      ['Groups', m.groups ?? []],
    ] as Array<[string, string[]]>
  ).filter(([, names]) => names.length > 0);
}

/** A validation error on the protocol's field: the schema of this Roster lacks it. */
export function notInSchema(e: CombinedError | undefined): boolean {
  return !!e && e.graphQLErrors.length > 0 && e.graphQLErrors.every((g) => g.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
}

/**
 * @roster/console-sdk: what a plugin's console section may use. The contract (a plugin's console
 * module), the console's router and UI kit (one copy, shared with the console), and `graphql`,
 * typed from Roster's schema. A plugin's console code imports this package, react and urql only.
 */
export { defineConsolePlugin, type ComposedConsolePlugin, type ConsolePage, type ConsolePlugin, type PageProps } from './contract.ts';
export {
  mappingOf,
  notInSchema,
  type Certificate,
  type CopyValue,
  type SignInAttempt,
  type SsoConnection,
  type SsoConnectionsResult,
  type SsoPreset,
  type SsoProtocol,
  type TraceStep,
} from './sso.ts';
export { useConnectionsQuery } from './use-connections.ts';
export { graphql, type ResultOf, type VariablesOf } from './graphql.ts';
export { Link, href, navigate, scopedTeamId, useLocation } from './router.tsx';
export { useTitle } from './title.ts';
export { formatDate } from './format.ts';
export { CopyButton } from './components/CopyButton.tsx';
export { CopyField } from './components/CopyField.tsx';
export { DataTable, type Column } from './components/DataTable.tsx';
export { ErrorMessage } from './components/ErrorMessage.tsx';
export { Field, type FieldControl } from './components/Field.tsx';
export { ListSection } from './components/ListSection.tsx';
export { MetadataForm, type MetadataInput } from './components/MetadataForm.tsx';
export { NameAndCreate } from './components/NameAndCreate.tsx';
export { ShownOnce } from './components/ShownOnce.tsx';
export { SuccessMessage } from './components/SuccessMessage.tsx';

/**
 * The worked example of a plugin's console page (`roster.console` in package.json): one page,
 * one entry in the navigation, reading this plugin's own GraphQL field. It imports only
 * @roster/console-sdk, react and urql, as any plugin's console module must.
 */
import { defineConsolePlugin } from '@roster/console-sdk';
import { Captures } from './Captures.tsx';

export default defineConsolePlugin({
  pages: [{ path: '/captures', label: 'Captures', component: Captures }],
});

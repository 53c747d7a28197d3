/**
 * The SCIM plugin's part of the admin console (`roster.console` in package.json): the SCIM page
 * (base URL, tokens with the secret shown once, the first request from the IdP, the latest
 * requests with their outcome), in the team's navigation and as the `scim` step of a setup link.
 */
import { defineConsolePlugin } from '@roster/console-sdk';
import { Scim } from './Scim.tsx';

export default defineConsolePlugin({
  pages: [{ path: '/scim', label: 'SCIM', component: Scim, setupScope: 'scim', setupLabel: 'SCIM provisioning' }],
});

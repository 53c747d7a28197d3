/** Written by vite.config.ts at build time: the console module of each plugin of the set, with its plugin's name. */
declare module 'virtual:roster-console-plugins' {
  import type { ComposedConsolePlugin } from '@roster/console-sdk';
  const plugins: ComposedConsolePlugin[];
  export default plugins;
}

import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AdvertisedEntry } from '@roster/plugin-sdk';
import type { ServerConfig } from './config.js';

/**
 * `GET /`: what this server is and where its doors are, for whoever opens the base URL in a
 * browser (an admin wiring an IdP, an operator checking a deployment). One self-contained page,
 * no external assets, under a CSP that allows nothing but its own inline style; JSON for
 * `Accept: application/json`. `roster serve` prints the same links.
 */
export interface FrontDoorLink {
  label: string;
  /** Absolute URL; `{placeholders}` stand for what the reader fills in. */
  url: string;
  method: 'GET' | 'POST';
}

export interface FrontDoorPlugin {
  name: string;
  version: string;
  entryPoints: FrontDoorLink[];
}

export interface FrontDoor {
  /** A plugin's entry point (`ctx.http.advertise`). */
  advertise(plugin: string, entry: AdvertisedEntry): void;
  /** The server's own links, from the public URL as it is now (known only once listening, in tests). */
  links(): FrontDoorLink[];
  /** Where team admins manage their team in a browser. */
  adminConsole(): string;
  plugins(): FrontDoorPlugin[];
}

const doors = new WeakMap<FastifyInstance, FrontDoor>();

/** The front door registered on `app`, for the CLI to print the same links. */
export function frontDoorOf(app: FastifyInstance): FrontDoor | undefined {
  return doors.get(app);
}

export function registerFrontDoor(
  app: FastifyInstance,
  cfg: ServerConfig,
  plugins: ReadonlyArray<{ name: string; version: string }>,
): FrontDoor {
  const advertised = new Map<string, AdvertisedEntry[]>(plugins.map((p) => [p.name, []]));
  const url = (path: string) => `${cfg.publicUrl}${path}`;
  const door: FrontDoor = {
    advertise(plugin, entry) {
      if (!entry.path.startsWith('/')) throw new Error(`${plugin}: an advertised path must start with "/" (got "${entry.path}")`);
      advertised.get(plugin)?.push(entry);
    },
    links: () => [
      { label: 'GraphQL API (teams, members, groups, licenses, connections, audit)', url: url('/graphql'), method: 'POST' },
      { label: 'Password sign-in (JSON email and password; sets the session cookie)', url: url('/auth/login'), method: 'POST' },
      { label: 'Health: the process is up', url: url('/healthz'), method: 'GET' },
      { label: 'Readiness: database reachable, migrations applied', url: url('/readyz'), method: 'GET' },
      { label: 'Metrics (Prometheus)', url: url('/metrics'), method: 'GET' },
    ],
    adminConsole: () => url('/admin'),
    plugins: () =>
      plugins.map((p) => ({
        name: p.name,
        version: p.version,
        entryPoints: (advertised.get(p.name) ?? []).map((e) => ({ label: e.label, url: url(e.path), method: 'GET' as const })),
      })),
  };
  doors.set(app, door);

  app.get('/', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (wantsJson(request.headers.accept)) {
      return { name: 'Roster', links: door.links(), plugins: door.plugins(), adminConsole: door.adminConsole() };
    }
    reply.header('content-security-policy', CSP);
    reply.type('text/html; charset=utf-8');
    return page(door, cfg.production);
  });
  return door;
}

/** JSON only when asked for and HTML is not: browsers list text/html first. */
function wantsJson(accept: string | undefined): boolean {
  return Boolean(accept && /\bapplication\/json\b/.test(accept) && !/\btext\/html\b/.test(accept));
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2433;--muted:#5b6577;--bg:#f6f7f9;--card:#fff;--line:#e1e4ea;--accent:#2f5bd3;--code:#eef1f6}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#9aa3b2;--bg:#14171d;--card:#1c2028;--line:#2c323d;--accent:#8fb0ff;--code:#262b35}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:54rem;margin:0 auto;padding:2.5rem 1.25rem 3rem}
h1{font-size:1.9rem;margin:0 0 .25rem;letter-spacing:-.01em}
h2{font-size:1.05rem;margin:2rem 0 .6rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
p{margin:.4rem 0}
.lead{color:var(--muted);margin-bottom:1.2rem}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.4rem 1rem}
ul{list-style:none;margin:0;padding:0}
li{display:flex;gap:1rem;align-items:baseline;justify-content:space-between;padding:.55rem 0;border-top:1px solid var(--line)}
li:first-child{border-top:0}
.what{flex:1 1 45%}
.where{flex:1 1 55%;text-align:right;overflow-wrap:anywhere}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:.15rem .4rem;border-radius:5px}
.method{font:600 11px/1 ui-monospace,monospace;color:var(--muted);margin-right:.4rem}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.plugin{font-weight:600}.version{color:var(--muted);font-weight:400;font-size:.85em;margin-left:.4rem}
.note{color:var(--muted);font-size:.9em}
footer{margin-top:2rem;color:var(--muted);font-size:.85em}
`;
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function linkItem(link: FrontDoorLink): string {
  // Only a plain GET without placeholders is something a browser can follow.
  const target =
    link.method === 'GET' && !link.url.includes('{')
      ? `<a href="${escape(link.url)}"><code>${escape(link.url)}</code></a>`
      : `<code>${escape(link.url)}</code>`;
  return `<li><span class="what">${escape(link.label)}</span><span class="where"><span class="method">${link.method}</span>${target}</span></li>`;
}

function page(door: FrontDoor, production: boolean): string {
  const plugins = door.plugins();
  const pluginItems =
    plugins.length === 0
      ? '<li><span class="note">No plugins enabled (ROSTER_PLUGINS).</span></li>'
      : plugins
          .map((p) => {
            const head = `<li><span class="what plugin">${escape(p.name)}<span class="version">${escape(p.version)}</span></span><span class="where note">${p.entryPoints.length ? '' : 'no public entry point'}</span></li>`;
            return head + p.entryPoints.map(linkItem).join('');
          })
          .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Roster</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Roster</h1>
<p class="lead">Enterprise identity for B2B apps: a GraphQL API over teams, members, groups and license seats, with SSO (SAML 2.0, OpenID Connect, WS-Federation) and SCIM 2.0 provisioning as plugins.${production ? '' : ' This server runs outside production.'}</p>
<h2>API and operations</h2>
<section><ul>${door.links().map(linkItem).join('')}</ul></section>
<h2>Enabled plugins</h2>
<section><ul>${pluginItems}</ul></section>
<h2>Admin console</h2>
<section><ul>${linkItem({ label: "Team members, sign-in and the team's settings in a browser", url: door.adminConsole(), method: 'GET' })}</ul></section>
<footer>Words in braces are placeholders: a team's slug or id, a connection's id, an email address.</footer>
</main>
</body>
</html>
`;
}

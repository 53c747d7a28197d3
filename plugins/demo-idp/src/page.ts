/**
 * The test IdPs' pages: plain server-rendered HTML that works without JavaScript, with labels,
 * a fieldset per question and visible focus, so a keyboard or screen-reader user can use them.
 */
import type { Choice } from './people.js';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
fieldset{border:1px solid #888;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}label{display:block;padding:.25rem 0}
button{font-size:1rem;padding:.5rem 1.25rem}:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.note{color:#555;font-size:.9rem}`;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function layout(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>\n`;
}

function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

export interface SignInPageInput {
  /** "SAML 2.0", "OpenID Connect", "WS-Federation". */
  protocol: string;
  action: string;
  hidden: Record<string, string>;
  choices: Choice[];
  /** WS-Fed: offer the token type. */
  tokenVersions?: boolean;
}

/** "Who do you want to be?" — the made-up people, then the misbehaving choices. */
export function signInPage(input: SignInPageInput): string {
  const options = input.choices
    .map(
      (c, i) =>
        `<label><input type="radio" name="who" value="${escapeHtml(c.value)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(c.label)}</label>`,
    )
    .join('\n');
  const versions = input.tokenVersions
    ? `<fieldset><legend>Token</legend>
<label><input type="radio" name="token" value="1.1" checked> SAML 1.1 (ADFS's default)</label>
<label><input type="radio" name="token" value="2.0"> SAML 2.0</label></fieldset>`
    : '';
  return layout(
    `Demo ${input.protocol} identity provider`,
    `<h1>Demo ${escapeHtml(input.protocol)} identity provider</h1>
<p class="note">A test identity provider built into Roster's demo. The people are made up; nothing here exists outside this machine.</p>
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields(input.hidden)}
<fieldset><legend>Sign in as</legend>
${options}
</fieldset>
${versions}
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The POST binding: a form the browser sends on to Roster (one button, no script needed). */
export function postForm(input: { action: string; fields: Record<string, string>; protocol: string }): string {
  return layout(
    `Continue to Roster`,
    `<h1>Continue to Roster</h1>
<p>The demo ${escapeHtml(input.protocol)} identity provider has answered. Send the answer to Roster:</p>
<form method="post" action="${escapeHtml(input.action)}">
${hiddenFields(input.fields)}
<button type="submit">Continue</button>
</form>`,
  );
}

export function messagePage(title: string, text: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

/** `/demo-idp/`: where to start an SSO sign-in in the demo. */
export function indexPage(input: {
  connections: Array<{ protocol: string; name: string | null; loginUrl: string }>;
  email: string;
  idps: Array<{ label: string; url: string }>;
}): string {
  const link = (url: string, label: string) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
  // Discovery hands the address it was asked about on as login_hint; these links are for anyone.
  const bare = (url: string) => url.replace(/[?&]login_hint=[^&]*$/, '');
  const signIns = input.connections.length
    ? `<ul>${input.connections.map((c) => `<li>${link(bare(c.loginUrl), `Sign in with ${c.name ?? c.protocol} (${c.protocol})`)}</li>`).join('')}</ul>`
    : `<p>No team routes ${escapeHtml(input.email)} to SSO yet: <code>roster serve --demo</code> wires the demo team at start.</p>`;
  return layout(
    'Roster demo identity providers',
    `<h1>Roster demo identity providers</h1>
<p class="note">Test identity providers built into the demo, with made-up people. Not mounted in production.</p>
<h2>Sign in with SSO</h2>
${signIns}
<h2>The identity providers</h2>
<ul>${input.idps.map((i) => `<li>${link(i.url, i.label)}</li>`).join('')}</ul>`,
  );
}

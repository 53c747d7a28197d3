const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, inner: string) =>
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
  `<title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1>${inner}</body></html>`;

/** What the link opens: one button that posts the token (see `showConfirm`). */
export function confirmPage(action: string, token: string): string {
  return page(
    'Sign in',
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
      '<button type="submit" style="font-size:1.1rem;padding:.6rem 1.4rem">Sign in</button></form>' +
      '<p style="color:#666">The link works once and for a few minutes.</p>',
  );
}

export function sentPage(message: string): string {
  return page('Check your email', `<p role="status">${escapeHtml(message)}</p>`);
}

/**
 * A history-API router small enough to read: the console has a handful of routes, and a
 * router library would cost more bytes than these lines. Paths are relative to the base
 * (`/admin`), so `navigate('/members')` goes to `/admin/members`.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import type {} from './env.d.ts';

const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function current(): string {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : window.location.pathname;
  return (path || '/') + window.location.search;
}

/**
 * A platform admin opens a team's pages under `/teams/<id>`: the pages keep their own paths
 * (`/members`), and links and navigation stay inside the team the URL names.
 */
const TEAM_SCOPE = /^\/teams\/([^/?]+)(?=[/?]|$)/;

/** The team the URL is scoped to (platform admins), or null. */
export function scopedTeamId(): string | null {
  const m = TEAM_SCOPE.exec(current());
  return m ? decodeURIComponent(m[1]!) : null;
}

function scope(): string {
  return TEAM_SCOPE.exec(current())?.[0] ?? '';
}

/** `unscoped`: a path outside any team's pages (the teams list). */
export function href(to: string, opts: { unscoped?: boolean } = {}): string {
  return BASE + (opts.unscoped ? '' : scope()) + to;
}

export function navigate(to: string, opts: { replace?: boolean; unscoped?: boolean } = {}): void {
  const target = href(to, opts);
  if (target === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  for (const l of listeners) l();
}

/** The current path and query, relative to the base and to a team scope: `/members/abc?x=1`. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const full = useSyncExternalStore(subscribe, current);
  const [path, search = ''] = full.replace(TEAM_SCOPE, '').split('?');
  return { path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(search) };
}

/** A real link (opens in a new tab, copyable) that navigates in place on a plain click. */
export function Link({ to, unscoped, ...rest }: { to: string; unscoped?: boolean } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to, { unscoped });
  };
  return <a {...rest} href={href(to, { unscoped })} onClick={onClick} />;
}

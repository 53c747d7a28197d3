/**
 * A history-API router small enough to read: the console has a handful of routes, and a
 * router library would cost more bytes than these lines. Paths are relative to the base
 * (`/admin`), so `navigate('/members')` goes to `/admin/members`.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

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

export function href(to: string): string {
  return BASE + to;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (href(to) === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', href(to));
  else window.history.pushState(null, '', href(to));
  for (const l of listeners) l();
}

/** The current path and query, relative to the base: `/members/abc?x=1`. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const full = useSyncExternalStore(subscribe, current);
  const [path, search = ''] = full.split('?');
  return { path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(search) };
}

/** A real link (opens in a new tab, copyable) that navigates in place on a plain click. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={href(to)} onClick={onClick} />;
}

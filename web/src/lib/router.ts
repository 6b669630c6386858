/**
 * A tiny router on the History API: the dashboard has a handful of routes,
 * which does not earn a routing library its bytes.
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Goes to `to` (a path on this origin) without reloading. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** The current path; re-renders on navigation. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export type Route =
  | { page: 'home' }
  | { page: 'devices' }
  | { page: 'device'; id: string }
  | { page: 'rules' }
  | { page: 'rule_new' }
  | { page: 'rule'; id: string }
  | { page: 'rule_edit'; id: string }
  | { page: 'health' }
  | { page: 'settings' }
  | { page: 'not_found'; path: string };

/** Maps a path to a route. */
export function matchRoute(path: string): Route {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (clean === '/') return { page: 'home' };
  if (clean === '/devices') return { page: 'devices' };
  const m = /^\/devices\/([^/]+)$/.exec(clean);
  if (m?.[1]) return { page: 'device', id: decodeURIComponent(m[1]) };
  if (clean === '/rules') return { page: 'rules' };
  if (clean === '/rules/new') return { page: 'rule_new' };
  const r = /^\/rules\/([^/]+)(\/edit)?$/.exec(clean);
  if (r?.[1]) return { page: r[2] ? 'rule_edit' : 'rule', id: decodeURIComponent(r[1]) };
  if (clean === '/health') return { page: 'health' };
  if (clean === '/settings') return { page: 'settings' };
  return { page: 'not_found', path };
}

/** Path of a device's page. */
export const devicePath = (id: string): string => `/devices/${encodeURIComponent(id)}`;

/** Path of a rule's page (its run log); `/edit` appended edits it. */
export const rulePath = (id: string): string => `/rules/${encodeURIComponent(id)}`;

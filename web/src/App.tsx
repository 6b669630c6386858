import { lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { logOut } from './actions/auth.ts';
import { AlertsBadge } from './components/AlertsBadge.tsx';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { Link } from './components/Link.tsx';
import { useActiveAlertsSync } from './hooks/useActiveAlertsSync.ts';
import { isLazyRoute, LazyRoutePage } from './LazyRoutes.tsx';
import { matchRoute, type Route, usePath } from './lib/router.ts';
import { DevicesPage } from './pages/DevicesPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { useStore } from './store/store.ts';

// The device page carries uPlot: loaded only when someone opens a device.
const DevicePage = lazy(() => import('./pages/DevicePage.tsx'));

function NavLink({ href, current, children }: { href: string; current: boolean; children: ReactNode }) {
  return (
    <Link href={href} className="nav-link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

function Page({ route }: { route: Route }) {
  if (isLazyRoute(route)) return <LazyRoutePage route={route} />;
  switch (route.page) {
    case 'home':
      return <HomePage />;
    case 'devices':
      return <DevicesPage />;
    case 'device':
      return (
        <Suspense fallback={<p className="state-message">Loading device…</p>}>
          <DevicePage id={route.id} />
        </Suspense>
      );
    default:
      return (
        <>
          <h1 className="page-title" tabIndex={-1}>
            Page not found
          </h1>
          <p className="state-message">
            Nothing lives at <code>{route.path}</code>. <Link href="/">Go home</Link>
          </p>
        </>
      );
  }
}

/** Counted, not shown as an error: a few bad live messages must not alarm anyone, but they must be visible. */
function Footer() {
  const invalid = useStore((s) => s.live.invalid);
  const last = useStore((s) => s.live.lastInvalid);
  return (
    <footer className="app-footer">
      <span>Hearth</span>
      {invalid > 0 && (
        <span title={last ?? undefined}>
          {' · '}
          {invalid} invalid live message{invalid === 1 ? '' : 's'} dropped
        </span>
      )}
    </footer>
  );
}

export function App() {
  const path = usePath();
  const route = matchRoute(path);
  const user = useStore((s) => s.auth.user);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Active alerts are loaded here, not on Home: the nav badge counts them on every page.
  useActiveAlertsSync();

  // After a navigation, move focus to the new page's heading so keyboard and screen-reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on path changes by design
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    // A page that focused a field of its own (autoFocus) keeps it.
    const active = document.activeElement;
    if (active && active !== main.current && main.current?.contains(active)) return;
    const heading = main.current?.querySelector<HTMLElement>('h1');
    (heading ?? main.current)?.focus();
  }, [path]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          Hearth
        </Link>
        <nav aria-label="Main">
          <NavLink href="/" current={route.page === 'home'}>
            Home
            <AlertsBadge />
          </NavLink>
          <NavLink href="/devices" current={route.page === 'devices'}>
            Devices
          </NavLink>
          <NavLink href="/rules" current={route.page.startsWith('rule')}>
            Rules
          </NavLink>
          <NavLink href="/health" current={route.page === 'health'}>
            Health
          </NavLink>
          <NavLink href="/settings" current={route.page === 'settings'}>
            Settings
          </NavLink>
        </nav>
        {user && (
          <button type="button" className="button secondary small logout" onClick={() => void logOut()}>
            Log out
          </button>
        )}
      </header>
      <ConnectionBanner />
      <main id="main" ref={main} className="app-main" tabIndex={-1}>
        <Page route={route} />
      </main>
      <Footer />
    </div>
  );
}

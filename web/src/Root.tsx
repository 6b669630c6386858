import { App } from './App.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { useStore } from './store/store.ts';

/** The dashboard once the hub lets us in; setup or login before that. */
export function Root() {
  const ready = useStore((s) => s.auth.phase === 'ready');
  return ready ? <App /> : <LoginPage />;
}

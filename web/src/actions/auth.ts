/** First-start setup, login and logout; the store's auth phase decides what the dashboard shows. */
import { HttpError, http } from '../api/http.ts';
import { useStore } from '../store/store.ts';

const OWNER = 'owner';

/** Asks the hub whether setup or a login is needed. */
export async function checkAuth(): Promise<void> {
  try {
    useStore.getState().authResolved(await http.authStatus());
  } catch (err) {
    // A hub without accounts has no auth routes: nothing to log in to.
    if (err instanceof HttpError && err.status === 404) return useStore.getState().authResolved(null);
    useStore.getState().authUnreachable(err instanceof Error ? err.message : String(err));
  }
}

/** Sets the owner password (first start); the hub answers with a session cookie. */
export async function setupOwner(password: string, setupCode?: string): Promise<void> {
  await http.setup({ password, ...(setupCode ? { setup_code: setupCode } : {}) });
  useStore.getState().authLoggedIn(OWNER);
}

export async function logIn(password: string): Promise<void> {
  await http.login({ name: OWNER, password });
  useStore.getState().authLoggedIn(OWNER);
}

export async function logOut(): Promise<void> {
  await http.logout().catch(() => {});
  useStore.getState().authRequired('You logged out.');
}

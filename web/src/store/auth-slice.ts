/** Whether the dashboard may show the home: the hub wants an owner password first, or a login. */
import type { StateCreator } from 'zustand';
import type { AuthStatusDto } from '../../../shared/auth.ts';
import type { Store } from './store.ts';

export type AuthPhase = 'checking' | 'setup' | 'login' | 'ready' | 'unreachable';

export interface AuthState {
  phase: AuthPhase;
  /** Setup from another machine needs the code the hub printed in its log. */
  setupCodeRequired: boolean;
  /** Logged-in user; null when the hub has no accounts (older hubs) or nobody is logged in. */
  user: string | null;
  /** Why the login page is shown, or why the hub cannot be reached. */
  message: string | null;
}

export interface AuthSlice {
  auth: AuthState;
  /** From GET /api/auth/status; null: the hub has no auth routes, the dashboard is open. */
  authResolved(status: AuthStatusDto | null): void;
  authUnreachable(message: string): void;
  /** The session ended (a 401, or the live feed refused us). */
  authRequired(message: string): void;
  authLoggedIn(user: string): void;
}

export const createAuthSlice: StateCreator<Store, [], [], AuthSlice> = (set, get) => ({
  auth: { phase: 'checking', setupCodeRequired: false, user: null, message: null },

  authResolved: (status) => {
    if (status === null) return set({ auth: { ...get().auth, phase: 'ready', message: null } });
    const phase = status.setup_required ? 'setup' : status.authenticated ? 'ready' : 'login';
    set({
      auth: {
        phase,
        setupCodeRequired: status.setup_code_required,
        user: status.user?.name ?? null,
        message: null,
      },
    });
  },

  authUnreachable: (message) => set({ auth: { ...get().auth, phase: 'unreachable', message } }),

  authRequired: (message) => {
    if (get().auth.phase === 'login') return;
    set({ auth: { ...get().auth, phase: 'login', user: null, message } });
  },

  authLoggedIn: (user) => set({ auth: { phase: 'ready', setupCodeRequired: false, user, message: null } }),
});

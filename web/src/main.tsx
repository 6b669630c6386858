/** Entry: checks access, runs the live connection (outside React) while logged in, renders the dashboard. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { checkAuth } from './actions/auth.ts';
import { setUnauthorizedHandler } from './api/http.ts';
import { createSocketManager } from './api/socket-manager.ts';
import { Root } from './Root.tsx';
import { useStore } from './store/store.ts';
import './styles/base.css';
import './styles/controls.css';

const live = createSocketManager();
setUnauthorizedHandler((message) => useStore.getState().authRequired(message));
// The live feed needs a session: it runs exactly while the dashboard is logged in.
useStore.subscribe((s, prev) => {
  if (s.auth.phase === prev.auth.phase) return;
  if (s.auth.phase === 'ready') live.start();
  else live.stop();
});
void checkAuth();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}

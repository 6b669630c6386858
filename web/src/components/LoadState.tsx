import type { LoadStatus } from '../hooks/useLoader.ts';

/** Loading, failed (with the message and a retry), or empty: the states a list can be in. */
export function LoadState({ state, retry, empty }: { state: LoadStatus; retry(): void; empty: string }) {
  if (state.status === 'loading') {
    return (
      <p className="state-message" aria-busy="true">
        Loading…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <p className="error" role="alert">
        Could not load: {state.message}{' '}
        <button type="button" className="link-button" onClick={retry}>
          Retry
        </button>
      </p>
    );
  }
  return <p className="state-message">{empty}</p>;
}

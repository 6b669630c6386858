import { useEffect, useMemo } from 'react';
import { closePairingWindow, loadPairing, openPairingWindow } from '../../actions/pairing.ts';
import { errorMessage } from '../../api/http.ts';
import { useAction } from '../../hooks/useAction.ts';
import { useStore } from '../../store/store.ts';
import { PairingSessionItem } from './PairingSessionItem.tsx';
import { formatCountdown, useCountdown } from './useCountdown.ts';
import './pairing.css';

/** Finished sessions shown under the waiting ones (the hub keeps a few more). */
const SHOWN_FINISHED = 5;

/**
 * Pairing on the LAN: open a window, watch devices say hello with a code,
 * approve the one whose code matches, and follow each step live.
 */
export function PairingPanel({ roomsListId }: { roomsListId: string }) {
  const pairing = useStore((s) => s.pairing);
  const offsetMs = useStore((s) => s.pairingOffsetMs);
  const { busy, error, setError, run: start } = useAction();
  const open = pairing?.window.open ?? false;
  const left = useCountdown(open ? (pairing?.window.closes_at ?? null) : null, offsetMs);

  useEffect(() => {
    loadPairing().catch((err: unknown) => setError(`Could not load pairing: ${errorMessage(err)}`));
  }, [setError]);

  const sessions = useMemo(() => {
    const all = pairing?.sessions ?? [];
    const active = all.filter((s) => s.state === 'waiting' || s.state === 'approved');
    const finished = all
      .filter((s) => s.state !== 'waiting' && s.state !== 'approved')
      .slice(0, SHOWN_FINISHED);
    return [...active, ...finished];
  }, [pairing]);

  /** The newest step of any session, for screen readers. */
  const latest = useMemo(() => {
    let last: { at: number; text: string } | null = null;
    for (const s of pairing?.sessions ?? []) {
      const step = s.steps.at(-1);
      if (step && (!last || step.at > last.at)) {
        last = { at: step.at, text: `${s.description?.model ?? 'A device'}: ${step.message}` };
      }
    }
    return last?.text ?? '';
  }, [pairing]);

  const run = (action: () => Promise<void>) => {
    if (!busy) start(action);
  };

  return (
    <section className="card pairing" aria-labelledby="pairing-title">
      <h2 id="pairing-title">Pair a device on the LAN</h2>
      {open ? (
        <div className="pairing-window" data-open="true">
          <p>
            <strong>Pairing window open</strong>
            {left !== null && (
              <span className="muted">
                {' '}
                · closes in <span className="pairing-countdown">{formatCountdown(left)}</span>
              </span>
            )}
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="button secondary"
              onClick={() => run(() => openPairingWindow())}
              aria-busy={busy}
            >
              Restart countdown
            </button>
            <button type="button" className="button secondary" onClick={() => run(closePairingWindow)}>
              Close window
            </button>
          </div>
          {!sessions.some((s) => s.state === 'waiting') && (
            <p className="muted">Waiting for a device: start pairing on it now.</p>
          )}
        </div>
      ) : (
        <div className="pairing-window" data-open="false">
          <p>
            A device that supports pairing finds the hub by itself and shows a six-digit code. Open the window
            (3 minutes), then start pairing on the device; for a simulator:{' '}
            <code>npm run device -- heater --pair</code>
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="button"
              onClick={() => run(() => openPairingWindow())}
              aria-busy={busy}
            >
              Open pairing window
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {latest}
      </p>
      {sessions.length > 0 && (
        <ul className="pairing-sessions" aria-label="Pairing requests">
          {sessions.map((s) => (
            <PairingSessionItem key={s.nonce} session={s} offsetMs={offsetMs} roomsListId={roomsListId} />
          ))}
        </ul>
      )}
    </section>
  );
}

import { useReadNow } from '../hooks/useReadNow.ts';
import { formatRtt, formatValue } from '../lib/format.ts';

/** Asks the device for its temperature now and shows the answer with its round trip. */
export function ReadNow({
  deviceId,
  reachable,
  unit,
}: {
  deviceId: string;
  reachable: boolean;
  unit?: string;
}) {
  const [state, read] = useReadNow(deviceId);
  const busy = state.phase === 'pending';
  const onClick = () => {
    if (!busy && reachable) read();
  };
  let text = '';
  if (busy) text = 'Asking the device…';
  else if (state.phase === 'done')
    text = `${formatValue(state.temperature, unit ?? '°C')} · ${formatRtt(state.rttMs)} round trip`;
  else if (state.phase === 'failed') text = state.message;
  else if (!reachable) text = 'Unavailable while the device is offline';
  return (
    <div className="read-now" data-phase={state.phase}>
      <button
        type="button"
        className="button secondary"
        onClick={onClick}
        aria-disabled={busy || !reachable}
        aria-busy={busy}
      >
        Read now
      </button>
      <span className="read-now-result" aria-live="polite">
        {text}
      </span>
    </div>
  );
}

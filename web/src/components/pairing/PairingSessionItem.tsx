import type { PairingSessionDto } from '../../../../shared/pairing.ts';
import { ApproveForm } from './ApproveForm.tsx';
import { REASON_TEXT, STATE_LABEL, STATE_TONE } from './pairing-text.ts';
import { formatCountdown, useCountdown } from './useCountdown.ts';

const clockTime = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface Props {
  session: PairingSessionDto;
  offsetMs: number;
  roomsListId: string;
}

/** One device asking to pair: what it is, the code it shows, each step so far, and the approval form. */
export function PairingSessionItem({ session, offsetMs, roomsListId }: Props) {
  const { description, code, state, reason } = session;
  const left = useCountdown(state === 'waiting' ? session.expires_at : null, offsetMs);
  const title = description ? description.model : 'Unknown device';
  return (
    <li className="pairing-session" data-nonce={session.nonce} data-state={state}>
      <div className="pairing-head">
        <span className="pairing-model">
          <strong>{title}</strong>
          {description && <span className="muted"> · firmware {description.firmware}</span>}
        </span>
        <span className="badge" data-status={STATE_TONE[state]}>
          {STATE_LABEL[state]}
        </span>
      </div>
      {code && (
        <p className="pairing-code-line">
          Shows the code{' '}
          <strong className="pairing-code" data-code={code}>
            {code.slice(0, 3)} {code.slice(3)}
          </strong>
          {left !== null && <span className="muted"> · times out in {formatCountdown(left)}</span>}
        </p>
      )}
      {reason && state !== 'paired' && (
        <p className="error pairing-failure">
          {REASON_TEXT[reason]}
          {session.message.toLowerCase() === REASON_TEXT[reason].toLowerCase() ? '' : `: ${session.message}`}
        </p>
      )}
      {state === 'waiting' && <ApproveForm session={session} roomsListId={roomsListId} />}
      <ol className="pairing-steps" aria-label={`Steps of ${title}`}>
        {session.steps.map((s) => (
          <li key={`${s.step}-${s.at}`} data-step={s.step}>
            <time dateTime={new Date(s.at).toISOString()}>{clockTime.format(new Date(s.at))}</time>{' '}
            {s.message}
          </li>
        ))}
      </ol>
    </li>
  );
}

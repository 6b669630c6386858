import { type FormEvent, useId, useState } from 'react';
import type { PairingSessionDto } from '../../../../shared/pairing.ts';
import { approvePairing, rejectPairing } from '../../actions/pairing.ts';
import { errorMessage, HttpError } from '../../api/http.ts';

interface Props {
  session: PairingSessionDto;
  roomsListId: string;
}

/** Approve with the code read off the device (plus a name and room), or reject. */
export function ApproveForm({ session, roomsListId }: Props) {
  const model = session.description?.model ?? 'device';
  const ids = { code: useId(), codeHint: useId(), name: useId(), room: useId() };
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const approve = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const data = new FormData(e.currentTarget);
    const code = String(data.get('code') ?? '').replace(/\s+/g, '');
    const name = String(data.get('name') ?? '').trim();
    const room = String(data.get('room') ?? '').trim();
    setBusy('approve');
    setError(null);
    approvePairing(session.nonce, { code, name, ...(room ? { room } : {}) }).then(
      () => setBusy(null),
      (err: unknown) => {
        setBusy(null);
        setError(
          err instanceof HttpError && err.code === 'code_mismatch'
            ? `Wrong code: ${err.message}`
            : `Could not approve: ${errorMessage(err)}`,
        );
      },
    );
  };

  const reject = () => {
    if (busy) return;
    setBusy('reject');
    setError(null);
    rejectPairing(session.nonce).then(
      () => setBusy(null),
      (err: unknown) => {
        setBusy(null);
        setError(`Could not reject: ${errorMessage(err)}`);
      },
    );
  };

  return (
    <form className="form pairing-approve" onSubmit={approve} aria-label={`Approve ${model}`}>
      <div className="fields">
        <label htmlFor={ids.code}>Code on the device</label>
        <input
          id={ids.code}
          name="code"
          required
          inputMode="numeric"
          autoComplete="off"
          pattern="\s*[0-9]{3}\s*[0-9]{3}\s*"
          maxLength={9}
          aria-describedby={ids.codeHint}
        />
        <p id={ids.codeHint} className="hint">
          Type the six digits the device shows: they must match the code above.
        </p>
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          name="name"
          required
          maxLength={64}
          defaultValue={session.suggested_name ?? model}
        />
        <label htmlFor={ids.room}>Room (optional)</label>
        <input id={ids.room} name="room" maxLength={64} list={roomsListId} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy === 'approve'}>
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button type="button" className="button secondary" onClick={reject} aria-busy={busy === 'reject'}>
          {busy === 'reject' ? 'Rejecting…' : 'Reject'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

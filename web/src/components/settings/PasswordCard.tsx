import { type FormEvent, useId, useState } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../../shared/auth.ts';
import { accountApi } from '../../api/account-api.ts';
import { useAction } from '../../hooks/useAction.ts';

/** Changes the owner password; this session stays logged in. */
export function PasswordCard() {
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState(false);
  const ids = { current: useId(), next: useId(), repeat: useId(), hint: useId() };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const form = e.currentTarget;
    const data = new FormData(form);
    const current = String(data.get('current') ?? '');
    const next = String(data.get('next') ?? '');
    setDone(false);
    if (next !== String(data.get('repeat') ?? '')) return setError('The two new passwords differ.');
    if (next === current) return setError('The new password is the same as the current one.');
    run(
      () => accountApi.changePassword(current, next),
      () => {
        setDone(true);
        form.reset();
      },
    );
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Owner password</h2>
      <div className="fields">
        <label htmlFor={ids.current}>Current password</label>
        <input id={ids.current} name="current" type="password" autoComplete="current-password" required />
        <label htmlFor={ids.next}>New password</label>
        <input
          id={ids.next}
          name="next"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          aria-describedby={ids.hint}
        />
        <p id={ids.hint} className="hint">
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
        <label htmlFor={ids.repeat}>Repeat the new password</label>
        <input id={ids.repeat} name="repeat" type="password" autoComplete="new-password" required />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
        <span role="status" className="ok-text">
          {done ? 'Password changed. Use the new one next time you log in.' : ''}
        </span>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not change the password: {error}
        </p>
      )}
    </form>
  );
}

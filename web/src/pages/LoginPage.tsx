import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../shared/auth.ts';
import { checkAuth, logIn, setupOwner } from '../actions/auth.ts';
import { errorMessage } from '../api/http.ts';
import { useStore } from '../store/store.ts';
import '../styles/admin.css';

function SetupForm({ codeRequired }: { codeRequired: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { password: useId(), repeat: useId(), code: useId(), hint: useId() };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const password = String(data.get('password') ?? '');
    if (password !== String(data.get('repeat') ?? '')) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    setupOwner(password, String(data.get('code') ?? '').trim() || undefined).catch((err: unknown) => {
      setBusy(false);
      setError(errorMessage(err));
    });
  };

  return (
    <form className="card form auth-card" onSubmit={submit} aria-labelledby="auth-title">
      <h1 id="auth-title">Welcome to Hearth</h1>
      <p>Choose the owner password. Nothing on this hub is open to your network without it.</p>
      <div className="fields">
        <label htmlFor={ids.password}>Owner password</label>
        <input
          id={ids.password}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          aria-describedby={ids.hint}
        />
        <p id={ids.hint} className="hint">
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
        <label htmlFor={ids.repeat}>Repeat it</label>
        <input id={ids.repeat} name="repeat" type="password" autoComplete="new-password" required />
        {codeRequired && (
          <>
            <label htmlFor={ids.code}>Setup code</label>
            <input
              id={ids.code}
              name="code"
              required
              autoComplete="off"
              placeholder="printed in the hub log"
            />
          </>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Saving…' : 'Set password'}
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

function LoginForm({ reason }: { reason: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passwordId = useId();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    setBusy(true);
    setError(null);
    logIn(password).catch((err: unknown) => {
      setBusy(false);
      setError(errorMessage(err));
    });
  };

  return (
    <form className="card form auth-card" onSubmit={submit} aria-labelledby="auth-title">
      <h1 id="auth-title">Log in to Hearth</h1>
      {reason && <p className="muted">{reason}</p>}
      <div className="fields">
        <label htmlFor={passwordId}>Owner password</label>
        <input
          id={passwordId}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          // biome-ignore lint/a11y/noAutofocus: typing the password is the only thing to do on this page
          autoFocus
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Logging in…' : 'Log in'}
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

/** What is shown before the dashboard: checking, first-start setup, login, or "hub unreachable". */
export function LoginPage() {
  const { phase, setupCodeRequired, message } = useStore((s) => s.auth);
  let body: ReactNode;
  if (phase === 'setup') body = <SetupForm codeRequired={setupCodeRequired} />;
  else if (phase === 'login') body = <LoginForm reason={message} />;
  else if (phase === 'unreachable') {
    body = (
      <div className="card auth-card" role="alert">
        <h1>Cannot reach the hub</h1>
        <p>{message}</p>
        <button type="button" className="button" onClick={() => void checkAuth()}>
          Try again
        </button>
      </div>
    );
  } else {
    body = (
      <p className="state-message" aria-busy="true">
        Connecting to your hub…
      </p>
    );
  }
  return (
    <main id="main" className="app-main auth-main">
      {body}
    </main>
  );
}

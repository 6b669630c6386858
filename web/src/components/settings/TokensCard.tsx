import { type FormEvent, useId, useState } from 'react';
import type { CreatedTokenDto, TokenDto } from '../../../../shared/auth.ts';
import { accountApi } from '../../api/account-api.ts';
import { useAction } from '../../hooks/useAction.ts';
import { useLoader } from '../../hooks/useLoader.ts';
import { ConfirmDialog } from '../ConfirmDialog.tsx';
import { LoadState } from '../LoadState.tsx';
import { RelativeTime } from '../RelativeTime.tsx';
import { SecretPanel } from './SecretPanel.tsx';

function CreateTokenForm({ onCreated }: { onCreated(created: CreatedTokenDto): void }) {
  const { busy, error, run } = useAction();
  const nameId = useId();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    run(
      () => accountApi.createToken(name),
      (created) => {
        form.reset();
        onCreated(created);
      },
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="New API token">
      <label htmlFor={nameId}>Token name</label>
      <input id={nameId} name="name" required maxLength={64} placeholder="backup script" />
      <button type="submit" className="button" aria-busy={busy}>
        {busy ? 'Creating…' : 'Create token'}
      </button>
      {error && (
        <p className="error" role="alert">
          Could not create the token: {error}
        </p>
      )}
    </form>
  );
}

/** API tokens for scripts: create (the secret is shown once), see when each was last used, revoke. */
export function TokensCard() {
  const [tokens, setTokens] = useState<TokenDto[]>([]);
  const [reload, setReload] = useState(0);
  const [load, retry] = useLoader(async () => setTokens(await accountApi.tokens()), [reload]);
  const [created, setCreated] = useState<CreatedTokenDto | null>(null);
  const [revoking, setRevoking] = useState<TokenDto | null>(null);
  const refresh = () => setReload((r) => r + 1);

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="hint">
        For scripts: send <code>Authorization: Bearer &lt;token&gt;</code> with each request.
      </p>
      {created ? (
        <SecretPanel
          title={`Token "${created.token.name}"`}
          text={created.secret}
          copyLabel="Copy token"
          onDone={() => setCreated(null)}
        >
          <p className="hint">
            Try it: <code>curl -H 'Authorization: Bearer …' {window.location.origin}/api/devices</code>
          </p>
        </SecretPanel>
      ) : (
        <CreateTokenForm
          onCreated={(c) => {
            setCreated(c);
            refresh();
          }}
        />
      )}
      {tokens.length === 0 ? (
        <LoadState state={load} retry={retry} empty="No tokens yet." />
      ) : (
        <ul className="admin-list" aria-label="Tokens">
          {tokens.map((t) => (
            <li key={t.id} className="settings-row" data-token-id={t.id}>
              <div className="admin-main">
                <span className="admin-name">{t.name}</span>
                <span className="muted small-text">
                  created <RelativeTime ts={t.created_at} />
                  {' · '}
                  {t.last_used === null ? (
                    'never used'
                  ) : (
                    <RelativeTime ts={t.last_used} prefix="last used " />
                  )}
                </span>
              </div>
              <button type="button" className="button danger-outline small" onClick={() => setRevoking(t)}>
                Revoke<span className="visually-hidden"> {t.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke the token "${revoking.name}"?`}
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          onConfirm={async () => {
            await accountApi.revokeToken(revoking.id);
            setTokens((list) => list.filter((t) => t.id !== revoking.id));
            refresh();
          }}
          onClose={() => setRevoking(null)}
        >
          <p>Scripts using it are refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

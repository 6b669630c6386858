import { type FormEvent, Fragment, useId, useState } from 'react';
import type { EffectiveRetentionDto, StorageDto } from '../../../shared/api.ts';
import { hubApi } from '../api/hub-api.ts';
import { useAction } from '../hooks/useAction.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { LoadState } from './LoadState.tsx';
import '../styles/admin.css';

const TIERS = [
  { key: 'raw_days', tier: 'raw', label: 'Raw readings' },
  { key: 'minute_days', tier: '1m', label: '1-minute rollups' },
  { key: 'hour_days', tier: '1h', label: '1-hour rollups' },
] as const;

type TierKey = (typeof TIERS)[number]['key'];

const days = (n: number | undefined | null): string =>
  n === undefined || n === null ? '—' : n === 0 ? 'forever' : `${n} d`;

/** How long this device's history is kept, per tier; empty fields follow the hub's defaults. */
export function RetentionCard({ deviceId }: { deviceId: string }) {
  const [retention, setRetention] = useState<EffectiveRetentionDto | null>(null);
  const [defaults, setDefaults] = useState<Record<TierKey, number> | null>(null);
  const [load, retry] = useLoader(async () => {
    // The hub's defaults come with the storage figures (the retention answer does not carry them).
    const [r, storage] = await Promise.all([hubApi.retention(deviceId), hubApi.storage()]);
    setRetention(r);
    setDefaults(defaultsOf(storage));
  }, [deviceId]);
  const { busy, error, run: start } = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const ids = { raw_days: useId(), minute_days: useId(), hour_days: useId(), hint: useId() };

  if (!retention) {
    return (
      <section className="card" aria-labelledby="retention-title">
        <h2 id="retention-title">History kept</h2>
        <LoadState state={load} retry={retry} empty="" />
      </section>
    );
  }
  const override = retention.overrides.find((o) => o.metric === '*');
  const effective = Object.entries(retention.effective);

  const run = (p: Promise<EffectiveRetentionDto>, done: string) => {
    setSaved(null);
    start(
      () => p,
      (r) => {
        setRetention(r);
        setSaved(done);
      },
    );
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const data = new FormData(e.currentTarget);
    const value = (k: TierKey) => {
      const s = String(data.get(k) ?? '').trim();
      return s === '' ? null : Number(s);
    };
    const body = {
      metric: '*',
      raw_days: value('raw_days'),
      minute_days: value('minute_days'),
      hour_days: value('hour_days'),
    };
    run(hubApi.setRetention(deviceId, body), 'Saved.');
  };

  return (
    <section className="card" aria-labelledby="retention-title">
      <h2 id="retention-title">History kept</h2>
      <form className="form stacked retention-form" onSubmit={submit} aria-labelledby="retention-title">
        <div className="fields">
          {TIERS.map((t) => (
            <Fragment key={t.key}>
              <label htmlFor={ids[t.key]}>{t.label} (days)</label>
              <input
                id={ids[t.key]}
                name={t.key}
                type="number"
                inputMode="numeric"
                min={0}
                step={1}
                defaultValue={override?.[t.key] ?? ''}
                key={`${t.key}-${override?.[t.key] ?? ''}`}
                placeholder={defaults ? `default ${days(defaults[t.key])}` : 'default'}
                aria-describedby={ids.hint}
              />
            </Fragment>
          ))}
        </div>
        <p id={ids.hint} className="hint">
          Empty: the hub's default
          {defaults ? ` (${TIERS.map((t) => days(defaults[t.key])).join(' / ')})` : ''}. 0 keeps forever.
          Older data is pruned in the background.
        </p>
        <div className="form-actions">
          <button type="submit" className="button secondary" aria-busy={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          {override && (
            <button
              type="button"
              className="button secondary"
              onClick={() => !busy && run(hubApi.resetRetention(deviceId), 'Back to the defaults.')}
            >
              Use the defaults
            </button>
          )}
          <span role="status" className="ok-text">
            {saved ?? ''}
          </span>
        </div>
        {error && (
          <p className="error" role="alert">
            Could not save: {error}
          </p>
        )}
      </form>
      {effective.length > 0 && (
        <p className="muted small-text retention-now">
          Kept now:{' '}
          {effective
            .map(
              ([m, d]) =>
                `${m}: raw ${days(d.raw_days)}, 1-minute ${days(d.minute_days)}, 1-hour ${days(d.hour_days)}`,
            )
            .join('; ')}
        </p>
      )}
    </section>
  );
}

function defaultsOf(storage: StorageDto): Record<TierKey, number> | null {
  const get = (name: string) => storage.tiers.find((t) => t.name === name)?.retention_days;
  const raw = get('raw');
  const minute = get('1m');
  const hour = get('1h');
  if (raw === undefined || minute === undefined || hour === undefined) return null;
  return { raw_days: raw, minute_days: minute, hour_days: hour };
}

import { type FormEvent, useId, useState } from 'react';
import type { DeviceDto } from '../../../shared/api.ts';
import type { DesiredDto } from '../../../shared/desired-state.ts';
import type { ControlSpec } from '../../../shared/wire.ts';
import { loadDesired, setDesired } from '../actions/desired.ts';
import { useAction } from '../hooks/useAction.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { describeValue } from '../lib/desired.ts';
import { settableControls } from '../lib/device.ts';
import { humanize } from '../lib/format.ts';
import { desiredKey } from '../store/desired-slice.ts';
import { useStore } from '../store/store.ts';
import { LoadState } from './LoadState.tsx';
import { RelativeTime } from './RelativeTime.tsx';
import '../styles/admin.css';

/** How long a value may wait for its device. */
const TTLS = [
  { s: 3600, label: '1 hour' },
  { s: 6 * 3600, label: '6 hours' },
  { s: 24 * 3600, label: '1 day' },
  { s: 7 * 24 * 3600, label: '7 days' },
  { s: 30 * 24 * 3600, label: '30 days' },
] as const;

const STATUS_TEXT: Record<DesiredDto['status'], string> = {
  pending: 'Pending',
  applied: 'Applied',
  expired: 'Expired',
  failed: 'Failed',
};

const unitOf = (c: ControlSpec): string | undefined => (c.type === 'number' ? c.unit : undefined);

function Status({ d }: { d: DesiredDto }) {
  if (d.status === 'pending' && d.waiting_for_device) return <>Will apply when the device is back</>;
  if (d.status === 'applied' && d.applied_at !== null) {
    return (
      <>
        Applied <RelativeTime ts={d.applied_at} />
      </>
    );
  }
  return (
    <>
      {STATUS_TEXT[d.status]}
      {d.error ? `: ${d.error}` : ''}
    </>
  );
}

function SetForm({ device, controls }: { device: DeviceDto; controls: ControlSpec[] }) {
  const [name, setName] = useState(controls[0]?.name ?? '');
  const { busy, error, run } = useAction();
  const ids = { control: useId(), value: useId(), ttl: useId(), drop: useId(), hint: useId() };
  const control = controls.find((c) => c.name === name);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy || !control) return;
    const data = new FormData(e.currentTarget);
    const raw = String(data.get('value') ?? '');
    const value = control.type === 'boolean' ? raw === 'on' : Number(raw);
    run(() =>
      setDesired(device.id, {
        property: control.name,
        value,
        ttl_s: Number(data.get('ttl')),
        policy: data.get('drop') === 'on' ? 'drop_if_offline' : 'wait',
      }),
    );
  };

  return (
    <form className="form stacked desired-form" onSubmit={submit} aria-label="Set a desired value">
      <div className="fields">
        <label htmlFor={ids.control}>Control</label>
        <select id={ids.control} value={name} onChange={(e) => setName(e.target.value)}>
          {controls.map((c) => (
            <option key={c.name} value={c.name}>
              {c.label ?? humanize(c.name)}
            </option>
          ))}
        </select>
        <label htmlFor={ids.value}>Value</label>
        {control?.type === 'boolean' ? (
          <select id={ids.value} name="value" key="boolean" defaultValue="on">
            <option value="on">On</option>
            <option value="off">Off</option>
          </select>
        ) : (
          <input
            id={ids.value}
            key={name}
            name="value"
            type="number"
            inputMode="decimal"
            required
            min={control?.min}
            max={control?.max}
            step={control?.step ?? 'any'}
            defaultValue={typeof device.state[name] === 'number' ? String(device.state[name]) : ''}
          />
        )}
        <label htmlFor={ids.ttl}>Wait for the device</label>
        <select id={ids.ttl} name="ttl" defaultValue={String(24 * 3600)}>
          {TTLS.map((t) => (
            <option key={t.s} value={t.s}>
              at most {t.label}
            </option>
          ))}
        </select>
        <label className="check span-all" htmlFor={ids.drop}>
          <input id={ids.drop} name="drop" type="checkbox" /> Only if the device is online now
        </label>
      </div>
      <p id={ids.hint} className="hint">
        Sent at once when the device is online; otherwise applied when it is back, unless it waited longer
        than chosen.
      </p>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy} aria-describedby={ids.hint}>
          {busy ? 'Setting…' : 'Set'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not set it: {error}
        </p>
      )}
    </form>
  );
}

/** Desired vs reported for each control, and a way to set a value that waits for the device. */
export function DesiredCard({ device }: { device: DeviceDto }) {
  const controls = settableControls(device);
  const epoch = useStore((s) => s.live.epoch);
  const [load, retry] = useLoader(() => loadDesired(device.id), [device.id, epoch]);
  const desired = useStore((s) => s.desired);
  if (controls.length === 0) return null;
  const rows = controls.flatMap((c) => {
    const d = desired[desiredKey(device.id, c.name)];
    return d ? [{ c, d }] : [];
  });
  return (
    <section className="card" aria-labelledby="desired-title">
      <h2 id="desired-title">Desired state</h2>
      {rows.length === 0 ? (
        <LoadState state={load} retry={retry} empty="Nothing set yet: the device keeps what it reports." />
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section className="table-scroll" tabIndex={0} aria-label="Desired and reported values">
          <table className="data-table desired-table">
            <thead>
              <tr>
                <th scope="col">Control</th>
                <th scope="col">Reported</th>
                <th scope="col">Desired</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ c, d }) => {
                const reported = device.state[c.name];
                return (
                  <tr key={c.name} data-property={c.name} data-status={d.status}>
                    <th scope="row">{c.label ?? humanize(c.name)}</th>
                    <td>{reported === undefined ? '—' : describeValue(reported, unitOf(c))}</td>
                    <td>{describeValue(d.desired, unitOf(c))}</td>
                    <td>
                      <Status d={d} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
      <SetForm device={device} controls={controls} />
    </section>
  );
}

import { useId, useState } from 'react';
import type { DeviceDto } from '../../../shared/api.ts';
import { CommandLog } from '../components/CommandLog.tsx';
import { DesiredCard } from '../components/DesiredCard.tsx';
import { DeviceControls } from '../components/DeviceControls.tsx';
import { HistoryChart } from '../components/HistoryChart.tsx';
import { Link } from '../components/Link.tsx';
import { PresenceBadge, PresenceDetail } from '../components/PresenceBadge.tsx';
import { PresenceTimeline } from '../components/PresenceTimeline.tsx';
import { ReadNow } from '../components/ReadNow.tsx';
import { RelativeTime } from '../components/RelativeTime.tsx';
import { RetentionCard } from '../components/RetentionCard.tsx';
import { canReadTemperature, isReachable, primaryMetric, settableControls } from '../lib/device.ts';
import { formatValue, humanize } from '../lib/format.ts';
import { selectDevice } from '../store/selectors.ts';
import { useStore } from '../store/store.ts';
import '../styles/device-page.css';

function metricsOf(device: DeviceDto): { name: string; label: string; unit: string | null }[] {
  const declared = device.description?.metrics ?? [];
  const names = new Set([...declared.map((m) => m.name), ...Object.keys(device.latest)]);
  return [...names].map((name) => {
    const spec = declared.find((m) => m.name === name);
    return { name, label: spec?.label ?? humanize(name), unit: spec?.unit ?? null };
  });
}

function NowCard({ device }: { device: DeviceDto }) {
  const metrics = metricsOf(device);
  const primary = primaryMetric(device);
  return (
    <section className="card" aria-labelledby="now-title">
      <h2 id="now-title">Now</h2>
      <p className="presence-line">
        <PresenceBadge presence={device.presence} /> <PresenceDetail presence={device.presence} />
      </p>
      {metrics.length === 0 ? (
        <p className="muted">No readings yet.</p>
      ) : (
        <dl className="readings">
          {metrics.map((m) => (
            <div key={m.name} className="reading">
              <dt className="reading-label">{m.label}</dt>
              <dd className="reading-value" data-metric={m.name}>
                {formatValue(device.latest[m.name]?.value, m.unit)}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <DeviceControls device={device} />
      {canReadTemperature(device) && (
        <ReadNow
          deviceId={device.id}
          reachable={isReachable(device)}
          {...(primary?.unit ? { unit: primary.unit } : {})}
        />
      )}
      <p className="muted">
        {device.last_seen === null ? (
          'Never seen'
        ) : (
          <RelativeTime ts={device.last_seen} prefix="Last seen " />
        )}
      </p>
    </section>
  );
}

function HistoryCard({ device }: { device: DeviceDto }) {
  const metrics = metricsOf(device);
  const [chosen, setChosen] = useState<string | null>(null);
  const selectId = useId();
  const metric =
    metrics.find((m) => m.name === chosen) ?? metrics.find((m) => m.name === 'temperature') ?? metrics[0];
  return (
    <section className="card" aria-labelledby="history-title">
      <div className="card-head">
        <h2 id="history-title">History</h2>
        {metrics.length > 1 && metric && (
          <span>
            <label htmlFor={selectId}>Metric </label>
            <select id={selectId} value={metric.name} onChange={(e) => setChosen(e.target.value)}>
              {metrics.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.label}
                </option>
              ))}
            </select>
          </span>
        )}
      </div>
      {metric ? (
        <HistoryChart
          key={metric.name}
          deviceId={device.id}
          metric={metric.name}
          label={metric.label}
          unit={metric.unit}
        />
      ) : (
        <p className="state-message">This device has no metrics to chart.</p>
      )}
    </section>
  );
}

/** One device: now, desired state, history, command log, presence timeline and how long history is kept. */
export default function DevicePage({ id }: { id: string }) {
  const device = useStore(selectDevice(id));
  const loaded = useStore((s) => s.devicesLoaded);
  if (!device) {
    return (
      <>
        <h1 className="page-title" tabIndex={-1}>
          {loaded ? 'Device not found' : 'Loading device…'}
        </h1>
        {loaded && (
          <p className="state-message">
            There is no device <code>{id}</code> (it may have been removed). <Link href="/">Back home</Link>
          </p>
        )}
      </>
    );
  }
  const d = device.description;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Home</Link> <span aria-hidden="true">/</span> {device.room ?? 'No room'}
      </nav>
      <h1 className="page-title" tabIndex={-1}>
        {device.name}
      </h1>
      <p className="muted device-meta">
        <code>{device.id}</code>
        {d ? ` · ${d.model}, firmware ${d.firmware}` : ' · not described yet'}
        {' · '}
        <Link href="/devices">Rename, move or remove</Link>
      </p>
      <div className="device-grid">
        <div className="device-column">
          <NowCard device={device} />
          {settableControls(device).length > 0 && <DesiredCard device={device} />}
          <section className="card" aria-labelledby="presence-title">
            <h2 id="presence-title">Presence</h2>
            <PresenceTimeline deviceId={device.id} />
          </section>
          <RetentionCard deviceId={device.id} />
        </div>
        <div className="device-column">
          <HistoryCard device={device} />
          <section className="card" aria-labelledby="commands-title">
            <h2 id="commands-title">Command log</h2>
            <CommandLog deviceId={device.id} />
          </section>
        </div>
      </div>
    </>
  );
}

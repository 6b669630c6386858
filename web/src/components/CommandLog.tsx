import type { CommandDto } from '../../../shared/api.ts';
import { http } from '../api/http.ts';
import { useLoader } from '../hooks/useLoader.ts';
import { formatRtt } from '../lib/format.ts';
import { useStore } from '../store/store.ts';
import { LoadState } from './LoadState.tsx';
import { RelativeTime } from './RelativeTime.tsx';

const OUTCOME: Record<CommandDto['status'], string> = {
  pending: 'Pending',
  ok: 'OK',
  error: 'Rejected',
  timeout: 'Timed out',
  offline: 'Offline',
};

function describe(c: CommandDto): string {
  const params = Object.entries(c.params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return params ? `${c.method} (${params})` : c.method;
}

/** What was asked of the device, by whom, when, how it ended and how long it took; kept live. */
export function CommandLog({ deviceId }: { deviceId: string }) {
  const epoch = useStore((s) => s.live.epoch);
  const log = useStore((s) => s.commandLogs[deviceId]);
  const [load, retry] = useLoader(async () => {
    const list = await http.commands(deviceId, 50);
    useStore.getState().setCommandLog(deviceId, list);
  }, [deviceId, epoch]);

  if (!log || log.length === 0) {
    return <LoadState state={load} retry={retry} empty="No commands sent yet." />;
  }
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-scroll" tabIndex={0} aria-label="Command log">
      <table className="log">
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">When</th>
            <th scope="col">Outcome</th>
            <th scope="col">Round trip</th>
          </tr>
        </thead>
        <tbody>
          {log.map((c) => (
            <tr key={c.id} data-status={c.status}>
              <td>
                <code>{describe(c)}</code>
              </td>
              <td>{c.actor}</td>
              <td>
                <RelativeTime ts={c.created_at} />
              </td>
              <td>
                <span className="outcome" data-status={c.status}>
                  {OUTCOME[c.status]}
                </span>
                {c.error && <span className="muted"> {c.error.message}</span>}
              </td>
              <td>{formatRtt(c.rtt_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

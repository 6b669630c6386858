import type { StatsDto } from '../../../../shared/stats.ts';
import type { UnitKind } from '../../lib/units.ts';
import { StatChart } from './StatChart.tsx';

type Column = Exclude<keyof StatsDto['series'], 'ts'>;

interface ChartSpec {
  name: string;
  title: string;
  unit: UnitKind;
  series: [column: Column, label: string][];
}

/** What the health page charts, in reading order: traffic, clients, the hub itself, round trips. */
const CHARTS: ChartSpec[] = [
  {
    name: 'messages',
    title: 'MQTT messages',
    unit: 'rate',
    series: [
      ['messages_in_per_s', 'in'],
      ['messages_out_per_s', 'out'],
    ],
  },
  { name: 'readings', title: 'Readings stored', unit: 'rate', series: [['readings_per_s', 'readings']] },
  { name: 'dropped', title: 'Messages dropped', unit: 'rate', series: [['dropped_per_s', 'dropped']] },
  { name: 'mqtt_clients', title: 'MQTT clients', unit: 'count', series: [['mqtt_clients', 'clients']] },
  { name: 'devices_online', title: 'Devices online', unit: 'count', series: [['devices_online', 'online']] },
  { name: 'live_clients', title: 'Dashboards connected', unit: 'count', series: [['live_clients', 'live']] },
  { name: 'event_loop_lag', title: 'Event-loop lag', unit: 'ms', series: [['event_loop_lag_ms', 'lag']] },
  { name: 'db_size', title: 'Database size', unit: 'bytes', series: [['db_size_bytes', 'size']] },
  { name: 'db_write', title: 'Database write time', unit: 'ms', series: [['db_write_ms', 'write']] },
  {
    name: 'probe_rtt',
    title: 'Broker probe round trip',
    unit: 'ms',
    series: [
      ['probe_rtt_ms_qos0', 'QoS 0'],
      ['probe_rtt_ms_qos1', 'QoS 1'],
      ['probe_rtt_ms_qos2', 'QoS 2'],
    ],
  },
  { name: 'command_rtt', title: 'Command round trip', unit: 'ms', series: [['command_rtt_ms', 'commands']] },
];

/** Every statistic of the last hour as a small chart. */
export function HealthCharts({ stats }: { stats: StatsDto }) {
  const x = stats.series.ts.map((t) => t / 1000);
  return (
    <div className="stat-grid">
      {CHARTS.map((c) => (
        <StatChart
          key={c.name}
          name={c.name}
          title={c.title}
          unit={c.unit}
          x={x}
          series={c.series.map(([column, label]) => ({ label, values: stats.series[column] }))}
        />
      ))}
    </div>
  );
}

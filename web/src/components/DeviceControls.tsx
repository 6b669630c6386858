import type { DeviceDto } from '../../../shared/api.ts';
import { useDesiredSync } from '../hooks/useDesiredSync.ts';
import { isReachable, settableControls } from '../lib/device.ts';
import { NumberControl } from './NumberControl.tsx';
import { SwitchControl } from './SwitchControl.tsx';

/** Every control the device accepts commands for; an offline device says so instead of pretending. */
export function DeviceControls({ device }: { device: DeviceDto }) {
  const controls = settableControls(device);
  // What was set while the device was away (or by a rule) shows next to what it reports.
  useDesiredSync(device.id, controls.length > 0);
  if (controls.length === 0) return null;
  const reachable = isReachable(device);
  return (
    <div className="controls">
      {controls.map((c) => {
        const value = device.state[c.name];
        if (c.type === 'boolean') {
          return (
            <SwitchControl
              key={c.name}
              deviceId={device.id}
              name={c.name}
              label={c.label}
              reported={typeof value === 'boolean' ? value : undefined}
              reachable={reachable}
            />
          );
        }
        return (
          <NumberControl
            key={c.name}
            deviceId={device.id}
            name={c.name}
            label={c.label}
            min={c.min}
            max={c.max}
            step={c.step}
            unit={c.unit}
            reported={typeof value === 'number' ? value : undefined}
            reachable={reachable}
          />
        );
      })}
    </div>
  );
}

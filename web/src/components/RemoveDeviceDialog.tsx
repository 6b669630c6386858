import type { DeviceDto } from '../../../shared/api.ts';
import { removeDevice } from '../actions/devices.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

/** Asks before removing: removal disconnects the device and its credentials stop working. */
export function RemoveDeviceDialog({ device, onClose }: { device: DeviceDto; onClose(): void }) {
  return (
    <ConfirmDialog
      title={`Remove ${device.name}?`}
      confirmLabel="Remove"
      busyLabel="Removing…"
      errorPrefix="Could not remove it: "
      onConfirm={() => removeDevice(device.id)}
      onClose={onClose}
    >
      <p>
        It is disconnected at once and its credentials stop working. Its history and command log are deleted.
        This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}

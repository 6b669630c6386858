import { useEffect, useRef, useState } from 'react';
import type { DeviceDto } from '../../../shared/api.ts';
import { removeDevice } from '../actions/devices.ts';
import { errorMessage } from '../api/http.ts';

/** Asks before removing: removal disconnects the device and its credentials stop working. */
export function RemoveDeviceDialog({ device, onClose }: { device: DeviceDto; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const confirm = () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    removeDevice(device.id).then(onClose, (err: unknown) => {
      setBusy(false);
      setError(errorMessage(err));
    });
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="remove-title"
      aria-describedby="remove-desc"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="remove-title">Remove {device.name}?</h2>
      <p id="remove-desc">
        It is disconnected at once and its credentials stop working. Its history and command log are deleted.
        This cannot be undone.
      </p>
      {error && (
        <p className="error" role="alert">
          Could not remove it: {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button danger" onClick={confirm} aria-busy={busy}>
          {busy ? 'Removing…' : 'Remove'}
        </button>
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice gets the focus in a destructive dialog */}
        <button type="button" className="button secondary" onClick={onClose} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useAction } from '../hooks/useAction.ts';

interface Props {
  title: string;
  children: ReactNode;
  /** The destructive button's words, e.g. "Delete"; `busyLabel` while it runs. */
  confirmLabel: string;
  busyLabel: string;
  /** Words before the error message, e.g. "Could not remove it: ". */
  errorPrefix?: string;
  /** Runs the action; the dialog closes when it resolves and shows the error when it rejects. */
  onConfirm(): Promise<void>;
  onClose(): void;
}

/** Asks before something that cannot be undone; the safe choice has the focus. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  errorPrefix = '',
  onConfirm,
  onClose,
}: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { busy, error, run } = useAction();
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const confirm = () => {
    if (!busy) run(onConfirm, onClose);
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={descId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={descId}>{children}</div>
      {error && (
        <p className="error" role="alert">
          {errorPrefix}
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button danger" onClick={confirm} aria-busy={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice gets the focus in a destructive dialog */}
        <button type="button" className="button secondary" onClick={onClose} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** Save and Cancel for a row being edited in place, and why saving failed. */
export function EditActions({
  busy,
  error,
  onCancel,
}: {
  busy: boolean;
  error: string | null;
  onCancel(): void;
}) {
  return (
    <>
      <div className="form-actions">
        <button type="submit" className="button" aria-busy={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not save: {error}
        </p>
      )}
    </>
  );
}

interface Props {
  live: boolean;
  onZoomIn(): void;
  onZoomOut(): void;
  onEarlier(): void;
  onLater(): void;
  onLive(): void;
}

/** Zoom and pan by button, so the keyboard can do what the mouse does by dragging. */
export function ChartToolbar({ live, onZoomIn, onZoomOut, onEarlier, onLater, onLive }: Props) {
  return (
    <div className="chart-toolbar" role="toolbar" aria-label="Zoom and pan">
      <button type="button" className="button secondary small" onClick={onEarlier}>
        ← Earlier
      </button>
      <button
        type="button"
        className="button secondary small"
        onClick={() => !live && onLater()}
        aria-disabled={live}
      >
        Later →
      </button>
      <button type="button" className="button secondary small" onClick={onZoomIn}>
        Zoom in
      </button>
      <button type="button" className="button secondary small" onClick={onZoomOut}>
        Zoom out
      </button>
      <button
        type="button"
        className="button secondary small"
        onClick={() => !live && onLive()}
        aria-disabled={live}
      >
        Live
      </button>
    </div>
  );
}

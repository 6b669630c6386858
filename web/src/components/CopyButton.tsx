import { type RefObject, useState } from 'react';
import { copyText } from '../lib/clipboard.ts';

interface Props {
  text: string;
  /** Selected instead when the clipboard is not available (plain-HTTP hubs). */
  fallback: RefObject<HTMLElement | null>;
  /** e.g. "Copy token"; the accessible name. */
  label: string;
  className?: string;
}

/** A copy button that says what happened: copied, or selected for Ctrl+C. */
export function CopyButton({ text, fallback, label, className = 'button' }: Props) {
  const [result, setResult] = useState<'idle' | 'copied' | 'select'>('idle');
  return (
    <>
      <button
        type="button"
        className={className}
        onClick={() =>
          void copyText(text, fallback.current).then((ok) => setResult(ok ? 'copied' : 'select'))
        }
      >
        {label}
      </button>
      <span aria-live="polite" className="muted copy-result">
        {result === 'copied' ? 'Copied.' : result === 'select' ? 'Selected: press Ctrl+C to copy.' : ''}
      </span>
    </>
  );
}

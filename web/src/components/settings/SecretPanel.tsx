import { type ReactNode, useEffect, useId, useRef } from 'react';
import { CopyButton } from '../CopyButton.tsx';

interface Props {
  title: string;
  /** What is copied, and shown in a block. */
  text: string;
  copyLabel: string;
  children?: ReactNode;
  onDone(): void;
}

/** A secret shown this once (the hub keeps only its hash), with a copy button; focus moves here. */
export function SecretPanel({ title, text, copyLabel, children, onDone }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const pre = useRef<HTMLPreElement>(null);
  const titleId = useId();
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="secret-panel" aria-labelledby={titleId}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <p className="warning">
        <strong>Shown only this once.</strong> The hub keeps only a hash: copy it now.
      </p>
      <pre ref={pre} className="command-line" data-secret="block">
        <code>{text}</code>
      </pre>
      {children}
      <div className="form-actions">
        <CopyButton text={text} fallback={pre} label={copyLabel} />
        <button type="button" className="button secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

import { useId } from 'react';
import type { IntegrationDto } from '../../../../shared/auth.ts';
import { parsePatterns } from '../../lib/mqtt-url.ts';

interface Props {
  patterns?: string[];
  access?: IntegrationDto['access'];
  /** Problems with the patterns, shown under the field. */
  patternError: string | null;
}

/** Topic patterns and access, shared by the create and edit forms. */
export function IntegrationFields({ patterns, access = 'read', patternError }: Props) {
  const ids = { patterns: useId(), hint: useId(), error: useId(), access: useId() };
  return (
    <>
      <label htmlFor={ids.patterns}>Topic patterns</label>
      <textarea
        id={ids.patterns}
        name="patterns"
        required
        rows={3}
        defaultValue={patterns?.join('\n') ?? 'hearth/+/telemetry\nhearth/+/state'}
        aria-describedby={patternError ? `${ids.hint} ${ids.error}` : ids.hint}
        aria-invalid={patternError ? true : undefined}
        spellCheck={false}
      />
      <p id={ids.hint} className="hint">
        One MQTT topic filter per line: <code>+</code> matches one level, <code>#</code> (last) the rest.
      </p>
      {patternError && (
        <p id={ids.error} className="error field-error">
          {patternError}
        </p>
      )}
      <label htmlFor={ids.access}>Access</label>
      <select id={ids.access} name="access" defaultValue={access}>
        <option value="read">Read (subscribe only)</option>
        <option value="readwrite">Read and write (subscribe and publish)</option>
      </select>
    </>
  );
}

/** Reads the fields above from a form; an error message when the patterns are not valid. */
export function readIntegrationFields(data: FormData): {
  patterns: string[];
  access: IntegrationDto['access'];
  error: string | null;
} {
  const { patterns, invalid } = parsePatterns(String(data.get('patterns') ?? ''));
  const access = data.get('access') === 'readwrite' ? 'readwrite' : 'read';
  let error: string | null = null;
  if (patterns.length === 0) error = 'Give at least one topic pattern.';
  else if (patterns.length > 32) error = 'At most 32 patterns.';
  else if (invalid.length > 0) error = `Not a valid topic filter: ${invalid.join(', ')}`;
  return { patterns, access, error };
}

/**
 * ruleProblems() lines (`/schedule/0/at: must match pattern …`) made fit for
 * a form: "required properties" split per field, patterns said in words,
 * and a lookup of the problems under one field's path.
 */
import { TIME_PATTERN } from '../../../shared/rules.ts';
import { DEVICE_ID_PATTERN } from '../../../shared/topics.ts';
import { NAME_PATTERN } from '../../../shared/wire.ts';

export interface Problem {
  /** JSON pointer of the field, e.g. `/schedule/0/at`; '' for the rule as a whole. */
  path: string;
  message: string;
}

const PATTERN_WORDS: Record<string, string> = {
  [TIME_PATTERN]: 'must be a time as HH:MM (24 h)',
  [DEVICE_ID_PATTERN]: 'must be a device id',
  [NAME_PATTERN]: 'must be lowercase letters, digits and _, starting with a letter',
  '\\S': 'must not be blank',
};

function words(message: string): string {
  const m = /^must match pattern "(.*)"$/.exec(message);
  if (m?.[1] !== undefined) {
    const pattern = m[1].replace(/\\\\/g, '\\');
    return PATTERN_WORDS[pattern] ?? message;
  }
  if (message === 'schema is false') return 'is not a known field';
  return message;
}

/** Splits each line into path and message; one "required" problem per missing field. */
export function toProblems(lines: string[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem) => {
    const key = `${p.path}\u0000${p.message}`;
    if (!seen.has(key)) out.push(p);
    seen.add(key);
  };
  for (const line of lines) {
    const split = line.startsWith('/') ? line.indexOf(': ') : -1;
    const path = split >= 0 ? line.slice(0, split) : '';
    const message = split >= 0 ? line.slice(split + 2) : line;
    const required = /^must have required propert(?:y|ies) (.+)$/.exec(message);
    if (required?.[1]) {
      for (const name of required[1].split(/,\s*/)) push({ path: `${path}/${name}`, message: 'is required' });
      continue;
    }
    // "must not have fewer than 1 characters" next to "must not be blank": one is enough.
    if (path === '/name' && message.startsWith('must not have fewer than')) continue;
    push({ path, message: words(message) });
  }
  return out;
}

/** The problems at `path` or below it. */
export function problemsAt(problems: Problem[], path: string): Problem[] {
  return problems.filter((p) => p.path === path || p.path.startsWith(`${path}/`));
}

/** `/schedule/0/at: is required` as one line for a list of problems. */
export const problemLine = (p: Problem): string => (p.path ? `${p.path}: ${p.message}` : p.message);

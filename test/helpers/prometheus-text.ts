/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every
 * line must be a `# HELP`, a `# TYPE` or a sample, every sample must belong
 * to a family with a TYPE, and values must be numbers. Enough to prove that
 * a scraper will accept `/metrics`, and to read values back.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:\\\\.|[^"\\\\])*"';
const VALUE = '(?:NaN|[+-]?Inf|[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)';
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP_RE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_RE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g;

/** The family a sample belongs to (`x_bucket`, `x_sum`, `x_count` belong to histogram `x`). */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const type = types.get(base);
      if (type === 'histogram' || type === 'summary') return base;
    }
  }
  return undefined;
}

/** Parses exposition text; throws on the first line a scraper would reject. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      if (line === '') return;
      const where = `line ${i + 1}: ${line}`;
      if (line.startsWith('#')) {
        const h = HELP_RE.exec(line);
        const t = TYPE_RE.exec(line);
        if (h) help.set(h[1] as string, h[2] as string);
        else if (!t) throw new Error(`not a HELP or TYPE comment: ${where}`);
        else if (types.has(t[1] as string)) throw new Error(`TYPE given twice: ${where}`);
        else types.set(t[1] as string, t[2] as string);
        return;
      }
      const m = SAMPLE_RE.exec(line);
      if (!m) throw new Error(`not a sample: ${where}`);
      const name = m[1] as string;
      if (familyOf(name, types) === undefined) throw new Error(`sample before its TYPE: ${where}`);
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? '').matchAll(LABEL_RE)) labels[l[1] as string] = l[2] as string;
      const raw = m[3] as string;
      const value =
        raw === 'NaN'
          ? Number.NaN
          : raw.endsWith('Inf')
            ? (raw.startsWith('-') ? -1 : 1) * Infinity
            : Number(raw);
      samples.push({ name, labels, value });
    });
  return { types, help, samples };
}

/** The value of one sample (all `labels` must match), or 0 when absent. */
export function sampleValue(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const s = e.samples.find(
    (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
  );
  return s?.value ?? 0;
}

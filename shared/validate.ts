/**
 * Runtime validation at every edge: a compiled TypeBox validator plus a
 * JSON-text parser that never throws and says what was wrong.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Checker<T> {
  /** Type guard: true when `value` matches the schema. */
  check(value: unknown): value is T;
  /** A one-line, human-readable description of what is wrong (empty when valid). */
  explain(value: unknown): string;
  /** Every problem, one line each, with the path it concerns. */
  errors(value: unknown): string[];
  /** Validates an already-decoded value. */
  parse(value: unknown): Parsed<T>;
  /** Decodes JSON text and validates it. */
  parseJson(text: string): Parsed<T>;
}

/** Compiles `schema` once; the result is cheap to call on the hot path. */
export function checker<S extends TSchema, T = Static<S>>(schema: S): Checker<T> {
  const validator = Compile(schema);
  const check = (value: unknown): value is T => validator.Check(value);
  const errors = (value: unknown): string[] =>
    validator.Check(value)
      ? []
      : validator.Errors(value).map((e) => (e.instancePath ? `${e.instancePath}: ${e.message}` : e.message));
  const explain = (value: unknown): string => errors(value).slice(0, 3).join('; ');
  const parse = (value: unknown): Parsed<T> =>
    check(value) ? { ok: true, value } : { ok: false, error: explain(value) };
  const parseJson = (text: string): Parsed<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, error: 'payload is not valid JSON' };
    }
    return parse(value);
  };
  return { check, explain, errors, parse, parseJson };
}

import { type InputHTMLAttributes, type ReactNode, useId } from 'react';
import { type Problem, problemsAt } from '../../lib/rule-problems.ts';
import { FieldProblems, invalidProps } from './FieldProblems.tsx';

interface BaseProps {
  label: string;
  /** The field's JSON path in the rule body, e.g. `/max`: its problems show under it. */
  path: string;
  problems: Problem[];
  hint?: ReactNode;
}

type InputProps = BaseProps & {
  value: string;
  onChange(value: string): void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;

/** A labelled input in the form grid, with its hint and its problems. */
export function InputField({ label, path, problems, hint, value, onChange, ...rest }: InputProps) {
  const ids = { input: useId(), hint: useId(), error: useId() };
  const mine = problemsAt(problems, path);
  return (
    <>
      <label htmlFor={ids.input}>{label}</label>
      <input
        id={ids.input}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-path={path}
        {...invalidProps(mine, ids.error, hint ? ids.hint : undefined)}
        {...rest}
      />
      {hint && (
        <p id={ids.hint} className="hint">
          {hint}
        </p>
      )}
      <FieldProblems id={ids.error} problems={mine} />
    </>
  );
}

type SelectProps = BaseProps & {
  value: string;
  onChange(value: string): void;
  options: { value: string; label: string }[];
};

/** A labelled select in the form grid, with its hint and its problems. */
export function SelectField({ label, path, problems, hint, value, onChange, options }: SelectProps) {
  const ids = { input: useId(), hint: useId(), error: useId() };
  const mine = problemsAt(problems, path);
  return (
    <>
      <label htmlFor={ids.input}>{label}</label>
      <select
        id={ids.input}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-path={path}
        {...invalidProps(mine, ids.error, hint ? ids.hint : undefined)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <p id={ids.hint} className="hint">
          {hint}
        </p>
      )}
      <FieldProblems id={ids.error} problems={mine} />
    </>
  );
}

import { useId } from 'react';
import { type ScheduleRow, scheduleRow } from '../../lib/rule-drafts.ts';
import { type Problem, problemsAt } from '../../lib/rule-problems.ts';
import { FieldProblems, invalidProps } from './FieldProblems.tsx';

interface Props {
  rows: ScheduleRow[];
  onChange(rows: ScheduleRow[]): void;
  problems: Problem[];
}

function Row({
  row,
  index,
  problems,
  onChange,
  onRemove,
}: {
  row: ScheduleRow;
  index: number;
  problems: Problem[];
  onChange(row: ScheduleRow): void;
  onRemove(): void;
}) {
  const ids = { at: useId(), target: useId(), atError: useId(), targetError: useId() };
  const atProblems = problemsAt(problems, `/schedule/${index}/at`);
  const targetProblems = problemsAt(problems, `/schedule/${index}/target_c`);
  return (
    <li className="schedule-row" data-index={index}>
      <span className="schedule-field">
        <label htmlFor={ids.at}>From</label>
        <input
          id={ids.at}
          type="time"
          required
          value={row.at}
          onChange={(e) => onChange({ ...row, at: e.target.value })}
          {...invalidProps(atProblems, ids.atError)}
        />
      </span>
      <span className="schedule-field">
        <label htmlFor={ids.target}>Target °C</label>
        <input
          id={ids.target}
          type="number"
          inputMode="decimal"
          min={5}
          max={30}
          step={0.5}
          required
          value={row.target}
          onChange={(e) => onChange({ ...row, target: e.target.value })}
          {...invalidProps(targetProblems, ids.targetError)}
        />
      </span>
      <button type="button" className="button secondary small" onClick={onRemove}>
        Remove<span className="visually-hidden"> the {row.at || 'empty'} entry</span>
      </button>
      <FieldProblems id={ids.atError} problems={atProblems} />
      <FieldProblems id={ids.targetError} problems={targetProblems} />
    </li>
  );
}

/** The thermostat's day: from each time on, a target temperature; the last entry carries over midnight. */
export function ScheduleEditor({ rows, onChange, problems }: Props) {
  const errorId = useId();
  // Problems of the list itself (e.g. "at least one entry"), not of one of its rows.
  const own = problems.filter((p) => p.path === '/schedule');
  return (
    <fieldset className="schedule" aria-describedby={own.length > 0 ? errorId : undefined}>
      <legend>Target schedule</legend>
      <ol className="schedule-list">
        {rows.map((row, i) => (
          <Row
            key={row.key}
            row={row}
            index={i}
            problems={problems}
            onChange={(next) => onChange(rows.map((r) => (r.key === row.key ? next : r)))}
            onRemove={() => onChange(rows.filter((r) => r.key !== row.key))}
          />
        ))}
      </ol>
      <FieldProblems id={errorId} problems={own} />
      <button
        type="button"
        className="button secondary small"
        onClick={() =>
          onChange([...rows, scheduleRow(rows.at(-1)?.at ?? '07:00', rows.at(-1)?.target ?? '20')])
        }
      >
        Add a time
      </button>
      <p className="hint">Before the first time of the day, the last one of the day before applies.</p>
    </fieldset>
  );
}

import type { Problem } from '../../lib/rule-problems.ts';

/** The problems of one field, under it; the field points here with aria-describedby. */
export function FieldProblems({ id, problems }: { id: string; problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <p id={id} className="error field-error" data-problem-for={problems[0]?.path}>
      {problems.map((p) => p.message).join('; ')}
    </p>
  );
}

/** aria attributes for a field with these problems. */
export function invalidProps(problems: Problem[], errorId: string, hintId?: string) {
  const describedBy = [hintId, problems.length > 0 ? errorId : undefined].filter(Boolean).join(' ');
  return {
    'aria-invalid': problems.length > 0 ? true : undefined,
    'aria-describedby': describedBy || undefined,
  } as const;
}

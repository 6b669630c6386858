/** Teardown in reverse order of setup; every step runs even when an earlier one fails. */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];

  /** Registers a teardown step; returns `value` so setup reads as one line. */
  add<T>(value: T, step: (value: T) => unknown): T {
    this.steps.push(() => step(value));
    return value;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      try {
        await step?.();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  }
}

/**
 * The bench harness itself works: `npm run bench -- --smoke` runs every
 * scenario with tiny counts (a second or so each, ten devices) against real
 * child processes and writes its JSON report. Only the report's shape is
 * checked — every scenario ran and produced numbers — never the numbers:
 * timings belong in `npm run bench`, not in pass/fail tests.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prop } from '../bench/lib/http.ts';
import { SCENARIOS } from '../bench/lib/options.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Generous: the harness starts a dozen processes, and CI machines are busy. */
const RUN_TIMEOUT_MS = 240_000;

describe('npm run bench -- --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'hearth-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it(
    'runs every scenario and reports a number for every figure',
    async () => {
      const result = await new Promise<{ code: number | null; stderr: string }>((res) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'test/bench/run.ts', '--smoke', '--out', out],
          { cwd: root, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 },
          (err, _stdout, stderr) =>
            res({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr }),
        );
      });
      expect(result.code, result.stderr.slice(-3000)).toBe(0);

      const report: unknown = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
      expect(prop(report, 'mode')).toBe('smoke');
      expect(typeof prop(report, 'machine', 'cores')).toBe('number');
      for (const name of SCENARIOS) {
        const scenario = prop(report, 'scenarios', name);
        expect(prop(scenario, 'status'), `${name}: ${String(prop(scenario, 'reason'))}`).toBe('ok');
        const rows = prop(scenario, 'rows');
        expect(Array.isArray(rows) && rows.length > 0, `${name} has rows`).toBe(true);
        for (const r of rows as unknown[]) {
          const value = prop(r, 'value');
          expect(Number.isFinite(value), `${name} / ${String(prop(r, 'metric'))} = ${String(value)}`).toBe(
            true,
          );
        }
      }
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});

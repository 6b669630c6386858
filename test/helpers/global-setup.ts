/** Builds the dashboard once before the suite, when the browser tests need it and it is stale. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  // For quick runs of server-only tests while the dashboard is being edited.
  if (process.env.SKIP_WEB_BUILD === '1') return;
  const built = join('web', 'dist', 'index.html');
  const sources = Math.max(newest(join('web', 'src')), newest('shared'));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development
  // build: the tests must drive the dashboard as `npm start` ships it.
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

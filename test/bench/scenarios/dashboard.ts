/**
 * The dashboard's first-load JavaScript budget (≤ 200 KB gzip): the scripts
 * web/dist/index.html loads up front (its module entry and modulepreloads),
 * each gzipped at zlib's default level as a web server would. Lazy chunks
 * (pages loaded on navigation) are reported apart, without a target.
 *
 * The bundle is built here, into a temp dir, with NODE_ENV=production as
 * `npm start` builds it: web/dist may be stale, or a test run's build.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Ctx, ScenarioOutput } from '../lib/context.ts';
import { cleanEnv, projectRoot } from '../lib/procs.ts';
import { row } from '../lib/report.ts';

const BUDGET_BYTES = 200 * 1024;

/** `src`/`href` of the entry scripts and module preloads in index.html. */
function firstLoadScripts(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)) if (m[1]) out.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"/g))
    if (m[1]) out.add(m[1]);
  return [...out];
}

export async function dashboard(ctx: Ctx): Promise<ScenarioOutput> {
  const dist = ctx.procs.tempDir('dashboard');
  ctx.log('dashboard: building the production bundle');
  const build = ctx.procs.spawn(
    process.execPath,
    [
      join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      dist,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { name: 'vite build', env: cleanEnv({ NODE_ENV: 'production' }) },
  );
  const how = await build.exited;
  const index = join(dist, 'index.html');
  if (how !== 0 || !existsSync(index)) throw new Error(`vite build failed (${how}):\n${build.tail()}`);
  const gz = (file: string): number => gzipSync(readFileSync(file)).length;
  const first = firstLoadScripts(readFileSync(index, 'utf8')).map((src) => {
    const file = join(dist, src.replace(/^\//, ''));
    return { src, bytes: readFileSync(file).length, gzip: gz(file) };
  });
  const assets = join(dist, 'assets');
  const all = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: f, gzip: gz(join(assets, f)) }));
  const firstGzip = first.reduce((a, f) => a + f.gzip, 0);
  const allGzip = all.reduce((a, f) => a + f.gzip, 0);
  return {
    rows: [
      row('dashboard', 'first-load JS (gzip)', firstGzip, 'bytes', {
        target: { op: '<=', limit: BUDGET_BYTES, label: '≤ 200 KB' },
      }),
      row('dashboard', 'all JS incl. lazy chunks (gzip)', allGzip, 'bytes'),
    ],
    details: { first_load: first, all_chunks: all },
  };
}

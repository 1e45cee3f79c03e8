// Shared by start.mjs and test.mjs: rebuild only what changed since the last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '.angular') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function stale(output, inputs) {
  const out = join(root, output);
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  return inputs.some((i) => newestMtime(join(root, i)) > built);
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

export function buildIfStale({ server = true, frontend = true } = {}) {
  if (server && stale('dist/apps/server/main.js', ['apps', 'libs', 'package-lock.json', 'tsconfig.json', 'nest-cli.json'])) {
    console.log('Building the server…');
    run('npm', ['run', '--silent', 'build:server']);
  }
  // One command builds both Angular applications (the staff console and the customer portal).
  const inputs = ['frontend', 'package-lock.json'];
  if (frontend && (stale('dist/frontend/console/browser/index.html', inputs) || stale('dist/frontend/portal/browser/index.html', inputs))) {
    console.log('Building the console and the customer portal (Angular)…');
    run('npm', ['run', '--silent', 'build:frontend'], { env: { ...process.env, NG_CLI_ANALYTICS: 'false' } });
  }
}

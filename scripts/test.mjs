// `npm test`: every test, on real services. Fails (never skips) when a service is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfStale, root } from './lib.mjs';

const problems = [];
if (!existsSync('/usr/sbin/dovecot')) problems.push('Dovecot is not installed (apt-get install dovecot-imapd): the IMAP tests need it.');
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) problems.push('Chromium is not installed (apt-get install chromium): the UI tests need it.');
if (problems.length) {
  console.error(problems.map((p) => `✗ ${p}`).join('\n'));
  console.error('tests: 0 passed, 1 failed');
  process.exit(1);
}

// Lib boundaries (the same check `npm run lint` runs): a new crossing fails the run, after the tests.
const boundaries = spawnSync(process.execPath, [join(root, 'scripts/check-boundaries.mjs')], { cwd: root, stdio: 'inherit' });

// The UI tests drive the built console; the crash test runs the built server as a process.
buildIfStale({ server: true, frontend: true });

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-jest-'));
const report = join(dir, 'report.json');
const args = ['--ci', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
const r = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), ...args], { cwd: root, stdio: 'inherit' });

let summary = 'tests: 0 passed, 1 failed';
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const failed = j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0);
  summary = `tests: ${j.numPassedTests} passed, ${failed} failed` + (j.numPendingTests + j.numTodoTests ? `, ${j.numPendingTests + j.numTodoTests} skipped` : '');
  if (j.numTotalTests === 0) summary = 'tests: 0 passed, 1 failed';
}
rmSync(dir, { recursive: true, force: true });
if (boundaries.status !== 0) {
  console.error('\n✗ The lib-boundary check failed (see above): scripts/check-boundaries.mjs');
  summary = summary.replace(/(\d+) failed/, (_, n) => `${Number(n) + 1} failed`);
}
console.log(`\n${summary}`);
process.exit(r.status === 0 && boundaries.status === 0 && !summary.endsWith(' 1 failed') ? 0 : r.status || 1);

// `npm start`: build what is missing or out of date, then run the server on the embedded
// default (SQLite under data/, migrations applied, admin and demo data on first start).
import { spawn } from 'node:child_process';
import { buildIfStale, root } from './lib.mjs';

buildIfStale();
const child = spawn(process.execPath, ['dist/apps/server/main.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

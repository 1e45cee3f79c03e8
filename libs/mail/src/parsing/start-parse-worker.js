// Plain JavaScript on purpose (typed by start-parse-worker.d.ts). webpack bundles a worker only
// when it sees `new Worker(new URL('./entry', import.meta.url))` with Worker imported from
// worker_threads as an ES module; TypeScript's CommonJS output rewrites both, so from a .ts file
// `nest build` would not find parse.worker.ts. From here it emits parse.worker.ts and what it
// imports as a chunk of its own next to main.js (dist/apps/server/<id>.main.js).
import { Worker } from 'node:worker_threads';

/** A thread running parse.worker.ts: the bundled chunk in the built server, the source otherwise. */
export function startParseWorker(options) {
  if (typeof __webpack_require__ === 'function') {
    return new Worker(new URL('./parse.worker.ts', import.meta.url), options);
  } else {
    // Run from sources (jest, tsx): Node cannot load TypeScript, tsx's require hook can.
    const entry = require('node:path').join(__dirname, 'parse.worker.ts');
    const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(entry)});\n`;
    return new Worker(code, { ...options, eval: true });
  }
}

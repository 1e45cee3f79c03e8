import { parentPort } from 'node:worker_threads';
import { MailParseError, parseMessage } from './parse-message';
import type { ParseJob, ParseReply } from './parser-pool';

/*
 * The thread behind ParserPool: parses one message at a time, in the order they come, so the
 * pool knows which message a stuck or crashed thread was working on (the oldest it sent).
 */
const port = parentPort!;
const queue: ParseJob[] = [];
let busy = false;

port.on('message', (job: ParseJob) => {
  queue.push(job);
  if (!busy) void drain();
});
port.postMessage({ ready: true } satisfies ParseReply);

async function drain(): Promise<void> {
  busy = true;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const { reply, transfer } = await parse(job);
    port.postMessage(reply, transfer);
  }
  busy = false;
}

async function parse(job: ParseJob): Promise<{ reply: ParseReply; transfer: ArrayBuffer[] }> {
  try {
    const parsed = await parseMessage(Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength), { timeoutMs: job.timeoutMs });
    // Attachments go back as standalone copies, moved rather than copied again by postMessage
    // (a Buffer is often a view into a larger shared block, which would be copied whole).
    const transfer: ArrayBuffer[] = [];
    for (const a of parsed.attachments) {
      const own = new Uint8Array(a.content);
      transfer.push(own.buffer);
      a.content = own as Buffer;
    }
    return { reply: { id: job.id, parsed }, transfer };
  } catch (e) {
    const err = e as Error;
    return { reply: { id: job.id, error: { code: e instanceof MailParseError ? e.code : undefined, message: err?.message ?? String(e) } }, transfer: [] };
  }
}

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { MailParseError, MailParseErrorCode, parseMessage, ParsedMessage, ParseOptions } from './parse-message';
import { startParseWorker } from './start-parse-worker';

/** What the pool sends a parse thread. */
export interface ParseJob {
  id: number;
  raw: Uint8Array;
  timeoutMs: number;
}

/** What a parse thread answers: ready once loaded, then one reply per job, in order. */
export type ParseReply =
  | { ready: true }
  | { id: number; parsed: ParsedMessage }
  | { id: number; error: { code?: MailParseErrorCode; message: string } };

interface Job {
  id: number;
  raw: Buffer;
  timeoutMs: number;
  resolve: (p: ParsedMessage) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Sent and not answered yet, oldest first: the first is the one being parsed. */
  jobs: Job[];
  ready: boolean;
  retired: boolean;
  watchdog?: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** A thread that has not answered this long after the parse's own timeout is stuck in a loop. */
const STUCK_GRACE_MS = 5_000;

/** One thread per core beyond the first (which runs the rest of intake and the database work). */
export function defaultParserThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * parseMessage on worker threads, so that parsing (the largest CPU cost of intake) runs on
 * another core while the main thread fetches, stores and writes to the database. Same results
 * as parseMessage: the threads run it. Threads start on first use and keep the process alive
 * only while they have work; close() lets the work under way finish and stops them.
 *
 * What happens when a thread fails: one that cannot start (a missing worker file) switches the
 * pool to parsing on the main thread, as before; a message that hangs its thread past the parse
 * timeout fails with PARSE_TIMEOUT, and one that crashes it (out of memory) with a parse error,
 * so each is quarantined with its raw kept instead of taking the process down; the other
 * messages that thread held are parsed again elsewhere.
 */
export class ParserPool {
  private readonly threads: Thread[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private nextId = 1;
  private closed = false;
  /** The threads could not start: parse on the main thread. */
  private inline = false;

  constructor(
    private readonly size = defaultParserThreads(),
    private readonly log: { warn(msg: string): void; error(msg: string): void } = console,
  ) {}

  parse(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMessage> {
    if (this.closed || this.inline || this.size < 1) return parseMessage(raw, opts);
    const done = new Promise<ParsedMessage>((resolve, reject) =>
      this.dispatch({ id: this.nextId++, raw, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, resolve, reject }),
    );
    const tracked = done.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return done;
  }

  /** Lets the parses under way finish, then stops the threads. Later parses run on the main thread. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    await Promise.all(this.threads.splice(0).map((t) => this.retire(t)));
  }

  private dispatch(job: Job): void {
    if (this.inline) {
      parseMessage(job.raw, { timeoutMs: job.timeoutMs }).then(job.resolve, job.reject);
      return;
    }
    while (this.threads.length < this.size) this.threads.push(this.start());
    const thread = this.threads.reduce((a, b) => (b.jobs.length < a.jobs.length ? b : a));
    thread.jobs.push(job);
    if (thread.jobs.length === 1) {
      thread.worker.ref();
      this.watch(thread);
    }
    // A standalone copy, moved rather than cloned: a Buffer is often a view into a larger block.
    const raw = new Uint8Array(job.raw);
    thread.worker.postMessage({ id: job.id, raw, timeoutMs: job.timeoutMs } satisfies ParseJob, [raw.buffer]);
  }

  private start(): Thread {
    const worker = startParseWorker({ name: 'mail-parser' });
    const thread: Thread = { worker, jobs: [], ready: false, retired: false };
    worker.unref();
    worker.on('message', (reply: ParseReply) => this.answer(thread, reply));
    let failure: Error | undefined;
    // Without an error listener an exception in the thread would be thrown in the main thread.
    worker.on('error', (e) => (failure = e));
    worker.on('exit', (code) => this.exited(thread, failure ?? new Error(`exit code ${code}`)));
    return thread;
  }

  private answer(thread: Thread, reply: ParseReply): void {
    if ('ready' in reply) {
      thread.ready = true;
      return;
    }
    const index = thread.jobs.findIndex((j) => j.id === reply.id);
    if (index < 0) return;
    const [job] = thread.jobs.splice(index, 1);
    if (index === 0) this.watch(thread);
    if (!thread.jobs.length) thread.worker.unref();
    if ('error' in reply) {
      job.reject(reply.error.code ? new MailParseError(reply.error.code, reply.error.message) : new Error(reply.error.message));
      return;
    }
    // Buffers arrive as plain Uint8Arrays.
    for (const a of reply.parsed.attachments) a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
    job.resolve(reply.parsed);
  }

  /** Arms the watchdog for the message the thread is parsing now (the oldest it holds). */
  private watch(thread: Thread): void {
    clearTimeout(thread.watchdog);
    const head = thread.jobs[0];
    if (!head) return;
    thread.watchdog = setTimeout(() => {
      this.log.error(`mail parser thread stuck for ${head.timeoutMs + STUCK_GRACE_MS} ms on one message: restarting it`);
      thread.jobs.shift();
      head.reject(new MailParseError('PARSE_TIMEOUT', `Parsing took longer than ${head.timeoutMs} ms`));
      void this.replace(thread);
    }, head.timeoutMs + STUCK_GRACE_MS);
    thread.watchdog.unref();
  }

  private exited(thread: Thread, error: Error): void {
    if (thread.retired) return;
    if (!thread.ready) {
      // The thread never loaded (its file is missing, or tsx is not there): parse here, as before.
      this.log.warn(`mail parser threads could not start (${error.message}); parsing on the main thread`);
      this.inline = true;
    } else {
      this.log.error(`mail parser thread stopped: ${error.message}`);
      // It parses one message at a time: the oldest it held is the one that brought it down.
      thread.jobs.shift()?.reject(new Error(`the parser stopped on this message (${error.message})`));
    }
    void this.replace(thread);
  }

  /** Takes the thread out of the pool and hands the messages it still held to the others. */
  private async replace(thread: Thread): Promise<void> {
    const jobs = thread.jobs.splice(0);
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    for (const job of jobs) this.dispatch(job);
    await this.retire(thread);
  }

  private async retire(thread: Thread): Promise<void> {
    if (thread.retired) return;
    thread.retired = true;
    clearTimeout(thread.watchdog);
    await thread.worker.terminate();
  }
}

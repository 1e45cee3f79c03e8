import type { Worker, WorkerOptions } from 'node:worker_threads';

export declare function startParseWorker(options?: WorkerOptions): Worker;

import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * TypeORM's better-sqlite3 driver has ONE connection and ONE shared QueryRunner for the whole
 * process. Left alone, two concurrent requests interleave on it: a second transaction fails with
 * "cannot start a transaction within a transaction", or worse, another request's write silently
 * lands inside (and rolls back with) someone else's transaction.
 *
 * This gives every unit of work (an HTTP request, a job, a transaction) an identity in
 * AsyncLocalStorage and lets only one of them use the connection while a transaction is open:
 * a reentrant lock taken by each transaction for its whole life and by every other query for
 * the query's duration. MySQL needs none of this: it has a pool of real connections.
 */
const context = new AsyncLocalStorage<symbol>();
const ANONYMOUS = Symbol('anonymous');
const PATCHED = Symbol('madoguchi.sqliteSerialized');

class ReentrantLock {
  private owner: symbol | null = null;
  private depth = 0;
  private readonly waiting: { token: symbol; resume: () => void }[] = [];

  acquire(token: symbol): Promise<void> | void {
    if (this.owner === null || this.owner === token) {
      this.owner = token;
      this.depth++;
      return;
    }
    return new Promise<void>((resume) => this.waiting.push({ token, resume })).then(() => this.acquire(token));
  }

  release(token: symbol): void {
    if (this.owner !== token) return;
    if (--this.depth > 0) return;
    this.owner = null;
    // Wake everyone waiting for this token's turn together (reentrant), then the next one.
    const next = this.waiting.shift();
    if (!next) return;
    const same = this.waiting.filter((w) => w.token === next.token);
    this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => w.token !== next.token));
    next.resume();
    for (const w of same) w.resume();
  }
}

/** Runs fn as its own unit of work (used for HTTP requests and background jobs). */
export function runAsUnitOfWork<T>(fn: () => T): T {
  return context.run(Symbol('work'), fn);
}

/** Express middleware: each request is its own unit of work. */
export function unitOfWorkMiddleware(_req: Request, _res: Response, next: NextFunction): void {
  context.run(Symbol('request'), next);
}

export function serializeSqlite(ds: DataSource): void {
  if (ds.options.type !== 'better-sqlite3' && ds.options.type !== 'sqlite') return;
  const runner = ds.driver.createQueryRunner('master') as QueryRunner & { [PATCHED]?: boolean };
  if (runner[PATCHED]) return;
  runner[PATCHED] = true;
  const lock = new ReentrantLock();
  const token = () => context.getStore() ?? ANONYMOUS;

  const query = runner.query.bind(runner);
  runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
    const t = token();
    await lock.acquire(t);
    try {
      return await query(...args);
    } finally {
      lock.release(t);
    }
  }) as QueryRunner['query'];

  // Implicit transactions (save() outside of transaction()) come through here too: the lock is
  // taken at start and given back at commit or rollback.
  const start = runner.startTransaction.bind(runner);
  const commit = runner.commitTransaction.bind(runner);
  const rollback = runner.rollbackTransaction.bind(runner);
  runner.startTransaction = async (level) => {
    const t = token();
    await lock.acquire(t);
    try {
      await start(level);
    } catch (e) {
      lock.release(t);
      throw e;
    }
  };
  runner.commitTransaction = async () => {
    try {
      await commit();
    } finally {
      lock.release(token());
    }
  };
  runner.rollbackTransaction = async () => {
    try {
      await rollback();
    } finally {
      lock.release(token());
    }
  };

  // An explicit transaction runs as its own unit of work unless it is nested in one already.
  const patchManager = (manager: EntityManager) => {
    const transaction = manager.transaction.bind(manager) as (...a: unknown[]) => Promise<unknown>;
    manager.transaction = ((...args: unknown[]) => {
      if (context.getStore()) return transaction(...args);
      return context.run(Symbol('transaction'), () => transaction(...args));
    }) as EntityManager['transaction'];
  };
  patchManager(ds.manager);
}

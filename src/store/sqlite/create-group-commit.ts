import type { Database } from 'better-sqlite3';

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Runs a write in the next group commit; resolves with its result once that commit is durable. */
export type GroupCommit = <T>(work: () => T) => Promise<T>;

/**
 * Group commit for the SQLite message log: the writes asked for in one turn of the event loop (every
 * request's accept, the dispatcher's claims and outcomes) run in one IMMEDIATE transaction, each in
 * its own savepoint so a failing one rolls back alone, and every caller is answered after the commit.
 * One commit per batch instead of one per write: each commit appends every page it touched to the
 * WAL, and checkpoints sync, so that cost is shared instead of paid by each message (bench/README.md).
 * If the commit itself fails, every write of the batch fails with its error.
 */
export function createGroupCommit(db: Database): GroupCommit {
  let queue: Job[] = [];
  const inSavepoint = db.transaction((work: () => unknown) => work());
  const runAll = db.transaction((jobs: readonly Job[]): Outcome[] =>
    jobs.map((job): Outcome => {
      try {
        return { ok: true, value: inSavepoint(job.work) };
      } catch (error) {
        // A failure that ended the whole transaction (disk full, I/O error) takes the batch with it.
        if (!db.inTransaction) throw error;
        return { ok: false, error };
      }
    }),
  );

  function flush(): void {
    const jobs = queue;
    queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = runAll.immediate(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok === true) job.resolve(outcome.value);
      else job.reject(outcome?.error);
    });
  }

  return <T>(work: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (queue.length === 1) setImmediate(flush);
    });
}

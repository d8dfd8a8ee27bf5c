// A bounded pool of workers over a queue that someone else owns (the run record): each worker
// takes the next item, works it, and goes on. By default the first failure stops new items from
// starting (those already running finish); with keepGoing every item is worked. No I/O of its
// own: the queue, the work and the clock come in as functions, so tests run it on arrays.

/** What the queue says when asked for the next item. */
export type Next<T> = { item: T } | { wait: true } | { done: true };

export interface Pool<T, R> {
  /** How many items are worked at once (at least 1). */
  concurrency: number;
  keepGoing: boolean;
  /** The next item; `wait` when none is free now but others still run elsewhere (poll again). */
  next(): Promise<Next<T>>;
  work(item: T): Promise<R>;
  /** Whether a result counts as a failure that stops the pool (without keepGoing). */
  failed(result: R): boolean;
  /** Called once, on the first stopping failure, e.g. to tell other processes. */
  onStop?(): Promise<void>;
  /** How long to wait before asking again after `wait`. */
  sleep?(ms: number): Promise<void>;
  pollMs?: number;
}

export interface PoolResult<T, R> {
  results: Array<{ item: T; result: R }>;
  /** True when a failure stopped the pool before the queue ran out. */
  stopped: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runPool<T, R>(pool: Pool<T, R>): Promise<PoolResult<T, R>> {
  const results: Array<{ item: T; result: R }> = [];
  const sleep = pool.sleep ?? defaultSleep;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const next = await pool.next();
      if ('done' in next) return;
      if ('wait' in next) {
        await sleep(pool.pollMs ?? 500);
        continue;
      }
      const result = await pool.work(next.item);
      results.push({ item: next.item, result });
      if (!pool.keepGoing && pool.failed(result) && !stopped) {
        stopped = true;
        await pool.onStop?.();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(pool.concurrency)) }, worker));
  return { results, stopped };
}

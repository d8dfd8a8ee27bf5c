// A statement PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY) commits
// as it ends, and its locks end with it: nothing is left to read afterwards. A second connection
// reads the backend's locks from pg_locks over and over while the statement runs instead. It sees
// every lock held for longer than one poll (a fraction of a millisecond on a local server), so a
// statement that ends sooner than that may show fewer locks than it took.
import type { Engine } from '../runner/engines/engine.js';
import { openEngine } from '../runner/engines/open.js';
import { addLocks, readLocks, type HeldLocks } from './observe.js';

export class LockSampler {
  private constructor(private readonly engine: Engine) {}

  /** A second connection to the database `url` names (the scratch database). */
  static async open(url: string): Promise<LockSampler> {
    return new LockSampler(await openEngine(url, { lockTimeoutMs: 0 }));
  }

  /** Runs `work` and returns, with its outcome, every relation lock `pid` was seen holding meanwhile. */
  async during<T>(pid: number, work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; locks: HeldLocks }> {
    const locks: HeldLocks = new Map();
    let running = true;
    const poll = (async () => {
      while (running) {
        const held = await readLocks(this.engine, pid);
        for (const [oid, modes] of held) addLocks(locks, [...modes].map((mode) => ({ oid, mode })));
      }
    })();
    const [outcome] = await Promise.allSettled([work()]);
    running = false;
    await poll;
    return { outcome: outcome!, locks };
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

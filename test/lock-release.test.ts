// Releasing the migration lock through a connection a pooler moved: the unlock lands on a server
// session without the lock, and the user is told it stays held and how to free it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../src/runner/engines/engine.js';
import { acquireLock } from '../src/runner/store/lock.js';
import { silentLogger, type Logger } from '../src/runner/util/logger.js';

function engine(unlocked: boolean): Engine {
  return {
    kind: 'postgres',
    capabilities: { advisoryLocks: true, transactionalDdl: true },
    description: 'test',
    query: async <T>(sql: string) => (sql.includes('pg_advisory_unlock') ? [{ released: unlocked }] : [{ ok: true }]) as T[],
    exec: async () => {},
    transactionStatus: () => 'idle',
    close: async () => {},
  };
}

function recorder(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { ...silentLogger, warn: (_fields, message) => void warnings.push(message ?? '') } };
}

test('an unlock that finds no lock on its server session warns that the lock stays held', async () => {
  const { logger, warnings } = recorder();
  const lock = await acquireLock(engine(false), { key: 42n, timeoutMs: 1000, logger });
  await lock.release();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, 'the lock stays held until the session that took it ends');
  assert.match(warnings[0]!, '`pgstrata locks --release-stale` frees it');
});

test('a normal unlock says nothing', async () => {
  const { logger, warnings } = recorder();
  const lock = await acquireLock(engine(true), { key: 42n, timeoutMs: 1000, logger });
  await lock.release();
  assert.equal(warnings, []);
});

test.run();

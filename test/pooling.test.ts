// The pooler check, on made-up pids: a direct connection costs one query; a session pooler passes;
// a pooler that shares or moves server sessions is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertSessionPinned, type PidSource } from '../src/runner/engines/pooling.js';
import { SessionPoolingError } from '../src/runner/util/errors.js';

/** `probe`: the pid every probe sees, or one per probe in order. */
function source(announced: number | null, mine: number[], probe: number | number[]): PidSource & { probes: number } {
  const s = {
    announcedPid: announced,
    probes: 0,
    backendPid: async () => mine.shift()!,
    probeBackendPid: async () => (Array.isArray(probe) ? probe[s.probes++]! : (s.probes++, probe)),
  };
  return s;
}

test('a direct connection: the announced pid is the backend pid, no probe', async () => {
  const s = source(41, [41], 0);
  await assertSessionPinned(s, 'db');
  assert.is(s.probes, 0);
});

test('a session pooler: another client gets another session, and this one keeps its own', async () => {
  const s = source(123456, [41, 41, 41, 41], 42);
  await assertSessionPinned(s, 'db');
  assert.is(s.probes, 3, 'an announced pid that is not the backend pid is checked with three probes');
});

test('a transaction pooler that looks pinned once, while other clients hold its sessions, is still refused', async () => {
  // Round one: the probe got another session and this client got its own back, by chance.
  const shared = source(123456, [41, 41, 41], [42, 41]);
  const e = await assertSessionPinned(shared, 'db').catch((x: unknown) => x);
  assert.instance(e, SessionPoolingError);
  assert.match((e as Error).message, /server session 41 served this connection and then another client/);
  assert.is(shared.probes, 2);
  const moved = await assertSessionPinned(source(123456, [41, 41, 41, 44], 42), 'db').catch((x: unknown) => x);
  assert.instance(moved, SessionPoolingError);
  assert.match((moved as Error).message, /moved from server session 41 to 44/);
});

test('a transaction pooler that hands this session to the probe is refused', async () => {
  const e = await assertSessionPinned(source(123456, [41, 41], 41), 'postgres://db').catch((x: unknown) => x);
  assert.instance(e, SessionPoolingError);
  assert.match((e as Error).message, /server session 41 served this connection and then another client/);
  assert.is((e as SessionPoolingError).exitStatus, 2);
});

test('a transaction pooler that moves this client between calls is refused', async () => {
  const e = await assertSessionPinned(source(123456, [41, 43], 42), 'db').catch((x: unknown) => x);
  assert.instance(e, SessionPoolingError);
  assert.is((e as SessionPoolingError).exitStatus, 2);
  assert.match((e as Error).message, /moved from server session 41 to 43/);
});

test.run();

// One contender for a PGlite directory lock, run as its own process by dirlock.test.ts: it waits
// for a common start time (so that the contenders race), takes the lock, notes when it holds it
// in a shared log, holds it a moment, and lets go.
import { appendFileSync } from 'node:fs';
import { lockDirectory } from '../../src/runner/engines/dirlock.js';

const [dir, log, startAt, holdMs] = process.argv.slice(2) as [string, string, string, string];
await new Promise((r) => setTimeout(r, Number(startAt) - Date.now() - 30));
while (Date.now() < Number(startAt)) {
  // spin the last moment: a timer alone wakes the contenders up to a few ms apart
}
const lock = await lockDirectory(dir, 60_000);
appendFileSync(log, `acquired ${process.pid}\n`);
await new Promise((r) => setTimeout(r, Number(holdMs)));
appendFileSync(log, `released ${process.pid}\n`);
lock.release();

// Commands for the operator: resolve a dirty revision, inspect and release the migration lock.
import type { Argv } from 'yargs';
import { UsageError } from '../../runner/util/errors.js';
import { resolve, type ResolveResult } from '../../runner/commands/resolve.js';
import { lockKey } from '../../runner/store/lock.js';
import { humanDuration } from '../../runner/util/elapsed.js';
import { AbsentDatabase } from '../../runner/engines/absent.js';
import { lockSessions, releaseStale, type LockSession, type Released } from '../../runner/commands/locks.js';
import { parseDuration } from '../duration.js';
import type { Command } from '../command.js';
import { withRunner } from '../context.js';
import { json, out } from '../output.js';

export const opsCommands: Command[] = [
  {
    command: 'resolve <revision>',
    describe: 'Say how a dirty revision (stopped part-way outside a transaction) ended: --applied (the interrupted up or down is complete) or --rolled-back (what it ran was undone)',
    builder: (y: Argv) =>
      y
        .positional('revision', { type: 'string', describe: 'the dirty revision (id or unique prefix)' })
        .option('applied', { type: 'boolean', describe: 'You finished the interrupted run by hand. After an up: it is recorded as applied (checksums from the files); after a down: its row is removed, it is no longer applied' })
        .option('rolled-back', { type: 'boolean', describe: 'You undid what the interrupted run did. After an up: its row is removed, it is pending again; after a down: it stays applied' })
        .example('$0 resolve e1a2 --applied', 'you finished its up by hand (or: its down, which leaves it no longer applied)')
        .example('$0 resolve e1a2 --rolled-back --dry-run', 'show what saying you undid it would record'),
    ignores: ['allow-drift'],
    async run(a, opts, logger) {
      if (Boolean(a.applied) === Boolean(a.rolledBack)) throw new UsageError('resolve needs exactly one of --applied or --rolled-back');
      const how = a.applied ? 'applied' : 'rolled-back';
      const result = await withRunner(opts, logger, (r) => resolve(r, String(a.revision), how, { dryRun: opts.dryRun }));
      if (opts.json) return json({ ok: true, ...result });
      out(resolvedLine(result));
    },
  },
  {
    command: 'locks',
    describe: "Show who holds or waits for pgstrata's migration lock; --release-stale frees it from a dead runner",
    builder: (y: Argv) =>
      y
        .option('release-stale', { type: 'boolean', default: false, describe: 'Terminate the holder, only if it is a pgstrata backend idle for longer than --older-than (with --dry-run: only say whom it would terminate)' })
        .option('older-than', { type: 'string', default: '10m', describe: 'How long the holder must have been idle (e.g. 10m, 1h)' })
        .example('$0 locks', 'who holds and who waits for the migration lock')
        .example('$0 locks --release-stale --older-than 30m --dry-run', 'which stale holder it would terminate')
        .example('$0 locks --release-stale', 'terminate a pgstrata holder idle for over 10 min'),
    ignores: ['dir', 'allow-drift'],
    async run(a, opts, logger) {
      const olderThanMs = parseDuration('older-than', String(a.olderThan));
      const readOnly = !a.releaseStale || opts.dryRun;
      return withRunner(opts, logger, async (r) => {
        // Nothing holds a lock in a database that does not exist yet.
        if (r.engine instanceof AbsentDatabase) return opts.json ? json({ ok: true, table: r.store.name, holders: [], waiters: [] }) : out('Nobody holds or waits for the migration lock.');
        const key = lockKey(r.store.schema, r.store.table);
        if (a.releaseStale) {
          const released = await releaseStale(r.engine, key, olderThanMs, { dryRun: opts.dryRun });
          if (opts.json) return json({ ok: true, ...released });
          out(releasedLine(released));
          return;
        }
        const report = await lockSessions(r.engine, key);
        if (opts.json) return json({ ok: true, table: r.store.name, ...report });
        const lines = [`migration lock of ${r.store.name} (advisory key ${report.key})`];
        if (report.holders.length === 0) lines.push('  nobody holds it');
        for (const s of [...report.holders, ...report.waiters]) lines.push(`  ${sessionLine(s)}`);
        if (report.waiters.length === 0) lines.push('  nobody waits for it');
        out(lines.join('\n'));
      }, { readOnly });
    },
  },
];

function resolvedLine(r: ResolveResult): string {
  const verb = r.dryRun ? 'Would record' : 'Recorded';
  if (r.was.direction === 'up') {
    return r.resolution === 'applied'
      ? `${verb} ${r.revision} as applied: its up was finished by hand (no SQL run).`
      : `${verb} ${r.revision} as rolled back: its row is removed and it is pending again (no SQL run).`;
  }
  return r.resolution === 'applied'
    ? `${verb} the down of ${r.revision} as finished: its row is removed and it is no longer applied (no SQL run).`
    : `${verb} the down of ${r.revision} as undone: ${r.revision} stays applied (no SQL run).`;
}

function releasedLine(r: Released): string {
  if (!r.terminated) return 'Nobody holds the migration lock; nothing to release.';
  const idle = `idle for ${humanDuration(r.terminated.inStateMs ?? 0)}`;
  if (r.dryRun) return `Would terminate ${who(r.terminated)} (${idle}): it passes every check. Dry run: nothing was terminated; the lock stays held.`;
  return `Terminated ${who(r.terminated)} (${idle}); the migration lock is free.`;
}

const who = (s: LockSession) => `pid ${s.pid} ${s.applicationName || '(no application_name)'}${s.clientAddr ? ` from ${s.clientAddr}` : ''}`;

function sessionLine(s: LockSession): string {
  const state = s.inStateMs === null ? s.state ?? 'unknown' : `${s.state ?? 'unknown'} for ${humanDuration(s.inStateMs)}`;
  if (s.role === 'holds') return `holds   ${who(s)}, ${state}, connected ${humanDuration(s.connectedMs)} ago`;
  if (s.role === 'polls') return `waits   ${who(s)}, polling for it, connected ${humanDuration(s.connectedMs)} ago`;
  return `waits   ${who(s)}, blocked in pg_advisory_lock for ${humanDuration(s.queryMs ?? 0)}`;
}

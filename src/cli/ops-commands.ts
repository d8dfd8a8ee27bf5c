// Commands for the operator: resolve a dirty revision, inspect and release the migration lock.
import type { Argv } from 'yargs';
import { UsageError } from '../runner/errors.js';
import { resolve } from '../runner/resolve.js';
import type { Command } from './commands.js';
import { withRunner } from './context.js';
import { json, out } from './output.js';

export const opsCommands: Command[] = [
  {
    command: 'resolve <revision>',
    describe: 'Say how a dirty revision (stopped part-way outside a transaction) ended: --applied or --rolled-back',
    builder: (y: Argv) =>
      y
        .positional('revision', { type: 'string', describe: 'the dirty revision (id or unique prefix)' })
        .option('applied', { type: 'boolean', describe: 'You finished its statements by hand: record it as applied (checksums from the files)' })
        .option('rolled-back', { type: 'boolean', describe: 'You undid what ran: remove its row; it is pending again' }),
    async run(a, opts, logger) {
      if (Boolean(a.applied) === Boolean(a.rolledBack)) throw new UsageError('resolve needs exactly one of --applied or --rolled-back');
      const how = a.applied ? 'applied' : 'rolled-back';
      const result = await withRunner(opts, logger, (r) => resolve(r, String(a.revision), how, { dryRun: opts.dryRun }));
      if (opts.json) return json({ ok: true, ...result });
      const verb = result.dryRun ? 'Would record' : 'Recorded';
      out(how === 'applied' ? `${verb} ${result.revision} as applied (no SQL run).` : `${verb} ${result.revision} as rolled back: its row is removed and it is pending again (no SQL run).`);
    },
  },
];

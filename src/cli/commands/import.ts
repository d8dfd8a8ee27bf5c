// `pgstrata import --from FORMAT SRC`: turns another tool's migration folder into sql/up and
// sql/down. The converter (and the parser it uses for golang-migrate and Flyway) load only here.
import type { Argv } from 'yargs';
import type { Command } from '../command.js';
import { json, out } from '../output.js';
import { FORMATS } from '../../import/model.js';

export const importCommand: Command = {
  command: 'import <src>',
  describe: "Convert another tool's migration folder (golang-migrate, goose, sql-migrate, dbmate, Flyway) into up/ and down/ files under --dir",
  ignores: ['url', 'schema', 'table', 'lock-timeout', 'allow-drift'],
  builder: (y: Argv) =>
    y
      .positional('src', { type: 'string', describe: 'the folder holding the other tool\'s migrations' })
      .option('from', { type: 'string', choices: [...FORMATS], demandOption: true, describe: 'the tool SRC was written for' })
      .option('force', { type: 'boolean', default: false, describe: 'replace --dir when it already holds files (removed only once the new files are in place)' })
      .example('$0 import --from goose db/migrations', 'write sql/up, sql/down and sql/import-manifest.json')
      .example('$0 import --from flyway src/main/resources/db/migration --dir sql --dry-run', 'list what it would write')
      .epilogue('Each source migration becomes one revision, the child of the one before, in the order the tool applies them. Nothing is written when a file cannot be classified (exit status 3, every such file named). Next: pgstrata check, then pgstrata stamp for a database the tool already migrated. See docs/import.md.'),
  async run(a, opts) {
    const { importHistory, MANIFEST } = await import('../../import/index.js');
    const result = await importHistory({ from: a.from as never, src: String(a.src), out: opts.dir, force: Boolean(a.force), dryRun: opts.dryRun });
    if (opts.json) return json({ ok: true, ...result });
    const n = result.manifest.revisions.length;
    const lines = [`${result.dryRun ? 'Would import' : 'Imported'} ${n} migration${n === 1 ? '' : 's'} from ${result.format} (${result.manifest.source}) into ${result.out}${result.dryRun ? ' (dry run; nothing was written)' : ''}:`];
    for (const r of result.manifest.revisions) {
      const notes = [!r.transaction.up || !r.transaction.down ? 'transaction: none' : '', r.no_down ? 'no down' : ''].filter(Boolean);
      lines.push(`  ${r.revision.padEnd(16)} ${r.up.replace(/^up\//, '')}  <- ${r.source_files.join(', ')}${notes.length ? `  [${notes.join('; ')}]` : ''}`);
    }
    lines.push(`${result.dryRun ? 'and' : 'wrote'} ${result.out}/${MANIFEST}. Next: \`pgstrata check --dir ${result.out}\`.`);
    out(lines.join('\n'));
  },
};

// pg_dump --schema-only of a test database, minus the per-run \restrict lines of recent pg_dump.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

function pgDumpBinary(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(`${root}/${v}/bin/pg_dump`)) return `${root}/${v}/bin/pg_dump`;
  }
  return 'pg_dump';
}

export function schemaDump(url: string, exclude: string[] = []): string {
  const args = ['--schema-only', '--no-owner', '--no-privileges', ...exclude.flatMap((t) => ['--exclude-table', t]), url];
  return execFileSync(pgDumpBinary(), args, { encoding: 'utf8' })
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');
}

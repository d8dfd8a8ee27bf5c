// Runs the static check over a temporary sql/ folder written from migration specs.
import { checkStatic, type StaticResult } from '../../src/check/static/static.js';
import type { Finding } from '../../src/check/findings/findings.js';
import { tempSql, type MigrationSpec, type TempSql } from './migrations.js';

export async function staticCheck(migrations: MigrationSpec[], extra?: (t: TempSql) => void): Promise<StaticResult> {
  const t = tempSql(migrations);
  try {
    extra?.(t);
    return await checkStatic(t.dir);
  } finally {
    t.remove();
  }
}

/** The findings of one rule, as sorted `up|down line:column` strings. */
export function positions(findings: Finding[], rule: string): string[] {
  return findings
    .filter((f) => f.rule === rule)
    .map((f) => `${/[\\/]down[\\/]/.test(f.file) ? 'down' : 'up'} ${f.line}:${f.column}`)
    .sort();
}

/** A root revision creating the tables later revisions alter. */
export const base = (sql = 'CREATE TABLE t (id int PRIMARY KEY, x int, label text);', down = 'DROP TABLE t;'): MigrationSpec => ({ revision: 'r1', up: sql, down });

/** A child of r1 with a lock_timeout, so that only the rule under test speaks. */
export const child = (up: string, down = 'SELECT 1;', header: string[] = ['lock_timeout: 5s']): MigrationSpec => ({ revision: 'r2', parents: ['r1'], up, down, header });

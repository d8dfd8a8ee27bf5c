// Temporary sql/ folders written from a compact description, for tests and benchmarks.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's own sql/ (the Genesis history). */
export const GENESIS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../sql');
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

/** Rows for the Genesis tables at 2c43863b5e49 (test/fixtures/genesis-rows.sql). */
export const genesisRows = (): string => readFileSync(join(FIXTURES_DIR, 'genesis-rows.sql'), 'utf8');

export interface MigrationSpec {
  revision: string;
  parents?: string[];
  message?: string;
  up: string;
  /** undefined writes no down file. */
  down?: string;
  /** Extra header lines, e.g. ['transaction: none']. */
  header?: string[];
  slug?: string;
}

export function upText(m: MigrationSpec): string {
  const lines = [`-- revision: ${m.revision}`, `-- down_revision: ${m.parents && m.parents.length ? m.parents.join(', ') : 'none'}`, `-- message: ${m.message ?? `revision ${m.revision}`}`];
  for (const h of m.header ?? []) lines.push(`-- ${h}`);
  return `${lines.join('\n')}\n\n${m.up}\n`;
}

export function fileName(m: MigrationSpec): string {
  return `${m.revision}_${m.slug ?? 'step'}.sql`;
}

export interface TempSql {
  dir: string;
  /** Writes (or overwrites) one migration's files. */
  write(m: MigrationSpec): void;
  /** Writes a raw file under up/ or down/. */
  raw(side: 'up' | 'down', name: string, content: string | Uint8Array): void;
  remove(): void;
}

export function tempSql(migrations: MigrationSpec[] = [], options: { copyGenesis?: boolean } = {}): TempSql {
  const dir = mkdtempSync(join(tmpdir(), 'pgstrata-sql-'));
  mkdirSync(join(dir, 'up'));
  mkdirSync(join(dir, 'down'));
  if (options.copyGenesis) cpSync(GENESIS_DIR, dir, { recursive: true });
  const t: TempSql = {
    dir,
    write(m) {
      writeFileSync(join(dir, 'up', fileName(m)), upText(m));
      if (m.down !== undefined) writeFileSync(join(dir, 'down', fileName(m)), `${m.down}\n`);
    },
    raw(side, name, content) {
      writeFileSync(join(dir, side, name), content);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const m of migrations) t.write(m);
  return t;
}

/** A linear history of n small migrations, each creating one table. */
export function linearHistory(n: number, width = 6): MigrationSpec[] {
  const id = (i: number) => `r${String(i).padStart(width, '0')}`;
  return Array.from({ length: n }, (_, i) => ({
    revision: id(i + 1),
    parents: i === 0 ? [] : [id(i)],
    up: `CREATE TABLE t_${i + 1} (id integer PRIMARY KEY, note text);`,
    down: `DROP TABLE t_${i + 1};`,
  }));
}

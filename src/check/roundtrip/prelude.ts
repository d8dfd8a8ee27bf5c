// What a scratch database needs before the first revision: a prelude file (the extensions, roles
// and schemas a real database got outside the migrations), and on PGlite the contrib extensions
// that the prelude or the migrations create, which PGlite must be handed when it starts.
import { readFileSync } from 'node:fs';
import type { Engine } from '../../runner/engines/engine.js';
import { toDbError } from '../../runner/apply/pgerror.js';
import type { History } from '../../runner/graph/history.js';
import { readDown } from '../../runner/source/source.js';
import { SourceError, UsageError } from '../../runner/util/errors.js';
import { parseStatements, type ParsedStatement } from '../../runner/util/sqlparse.js';

export interface Prelude {
  /** As given (shown in messages). */
  file: string;
  statements: ParsedStatement[];
}

/** Reads and parses the prelude; a missing file is a usage error, a syntax error a source error. */
export async function readPrelude(file: string): Promise<Prelude> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new UsageError(`--prelude ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of a SQL file, relative to the working directory`);
  }
  const parsed = await parseStatements(text, file);
  if (!parsed.ok) throw new SourceError([parsed.problem], `the prelude ${file} has a syntax error`);
  return { file, statements: parsed.statements };
}

/**
 * Runs the prelude one statement at a time (so a failure names its line), outside any transaction,
 * as psql would run the file.
 */
export async function runPrelude(engine: Engine, prelude: Prelude): Promise<void> {
  for (const s of prelude.statements) {
    try {
      await engine.exec(s.text);
    } catch (e) {
      const db = toDbError(e);
      throw new SourceError(
        [{ file: prelude.file, line: s.line, column: s.column, message: `the prelude failed on ${engine.description}: ERROR${db.sqlstate ? ` ${db.sqlstate}` : ''}: ${db.message}`, hint: 'Fix this statement of the prelude; the round trip has not run.' }],
        `the prelude ${prelude.file} failed`,
      );
    }
  }
}

export interface ExtensionUse {
  name: string;
  file: string;
  line: number;
}

/** Every CREATE EXTENSION in the prelude and in the history's up and down files, as the parser sees them. */
export async function extensionsCreated(history: History | undefined, prelude: Prelude | undefined): Promise<ExtensionUse[]> {
  const uses: ExtensionUse[] = [];
  const collect = (statements: ParsedStatement[], file: string) => {
    for (const s of statements) if (s.kind === 'CreateExtensionStmt' && typeof s.node.extname === 'string') uses.push({ name: s.node.extname, file, line: s.line });
  };
  if (prelude) collect(prelude.statements, prelude.file);
  for (const m of history?.migrations.values() ?? []) {
    const files: { file: string; sql: string }[] = [{ file: m.upFile, sql: m.sql }];
    try {
      const down = readDown(m);
      if (down) files.push(down);
    } catch {
      // An unreadable down is the static check's finding; it creates nothing.
    }
    for (const f of files) {
      // A cheap test first: most files create no extension and need no second parse.
      if (!/create\s+extension/i.test(f.sql)) continue;
      const parsed = await parseStatements(f.sql, f.file);
      if (parsed.ok) collect(parsed.statements, f.file);
    }
  }
  return uses;
}

/** Built into every PostgreSQL, PGlite included: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * The contrib bundles PGlite must load for `uses`; an extension PGlite does not ship is a usage
 * error naming where it is created, since the round trip cannot run without it.
 */
export function pgliteBundles(uses: ExtensionUse[], shipped: readonly string[]): string[] {
  const missing = uses.filter((u) => !BUILT_IN.has(u.name) && !shipped.includes(u.name));
  if (missing.length > 0) {
    const where = missing.map((u) => `"${u.name}" (${u.file}:${u.line})`).join(', ');
    throw new UsageError(`the round trip runs on PGlite, which does not ship the extension${missing.length === 1 ? '' : 's'} ${where}; run it on a server that has ${missing.length === 1 ? 'it' : 'them'}: check --roundtrip --url postgres://… (a throwaway database is created there)`);
  }
  return [...new Set(uses.map((u) => u.name).filter((n) => !BUILT_IN.has(n)))];
}

// `pgstrata import`: reads SRC, converts it, and writes OUT. Everything is written into a
// temporary folder beside OUT and renamed into place at the end, so a refusal or a crash leaves
// OUT as it was.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { outsideTransactionReason } from '../check/rules/transaction.js';
import { displayPath } from '../runner/source/source.js';
import { UsageError } from '../runner/util/errors.js';
import { parseStatements } from '../runner/util/sqlparse.js';
import { convert, type ImportedFile, type Manifest } from './convert.js';
import { PARSERS, ignored } from './formats.js';
import { FORMATS, Problems, type ImportFormat, type SourceFile, type SourceMigration, type SourceSide } from './model.js';

export const MANIFEST = 'import-manifest.json';

export interface ImportOptions {
  from: ImportFormat;
  src: string;
  /** The migrations folder to write (holds up/ and down/). */
  out: string;
  /** Replace an OUT that already holds files. */
  force?: boolean;
  dryRun?: boolean;
}

export interface ImportResult {
  format: ImportFormat;
  out: string;
  files: string[];
  manifest: Manifest;
  dryRun: boolean;
}

function readSourceFiles(src: string, problems: Problems): SourceFile[] {
  let names: string[];
  try {
    names = readdirSync(src);
  } catch (e) {
    throw new UsageError(`cannot read the folder ${displayPath(src)}: ${(e as Error).message}`);
  }
  const files: SourceFile[] = [];
  for (const name of names.sort()) {
    if (ignored(name)) continue;
    const path = join(src, name);
    if (statSync(path).isDirectory()) {
      problems.add(displayPath(path), 'a folder inside the migrations folder', 'The tools read one flat folder; move it out, or import it on its own.');
      continue;
    }
    const bytes = readFileSync(path);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (text.includes('\uFFFD') || text.includes('\0')) {
      problems.add(displayPath(path), 'not UTF-8 text', 'Convert it to UTF-8 (pgstrata reads migrations as UTF-8), or move it out of the folder.');
      continue;
    }
    files.push({ name, path: displayPath(path), text });
  }
  return files;
}

/**
 * golang-migrate sends a file as one query and Flyway decides per file by what it holds: neither
 * says in the file that it runs outside a transaction. A file that PostgreSQL would refuse in one
 * (CREATE INDEX CONCURRENTLY …), or that has its own BEGIN/COMMIT, gets `transaction: none`.
 */
async function inferTransactions(list: SourceMigration[]): Promise<void> {
  const infer = async (side: SourceSide | undefined, file: string) => {
    if (!side || !side.transactional) return;
    const parsed = await parseStatements(side.sql, file);
    if (!parsed.ok) return; // `check` reports the syntax error at its place.
    for (const s of parsed.statements) {
      const why = outsideTransactionReason(s);
      if (why) {
        side.transactional = false;
        side.inferred = `${why} at line ${s.line}`;
        return;
      }
    }
  };
  for (const m of list) {
    await infer(m.up, m.files[0]!);
    await infer(m.down, m.files[1] ?? m.files[0]!);
  }
}

/** OUT must be new or empty, unless --force. */
function checkOut(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError(`${displayPath(out)} exists and is not a folder; choose another --dir`);
  const held = readdirSync(out).filter((n) => !n.startsWith('.'));
  if (held.length > 0 && !force) {
    throw new UsageError(`${displayPath(out)} already holds ${held.slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''}; import writes a new history: choose an empty --dir, or pass --force to replace ${displayPath(out)} (its old contents are removed once the new files are in place)`);
  }
}

function writeAll(out: string, files: ImportedFile[], manifest: Manifest): void {
  const parent = dirname(resolve(out));
  mkdirSync(parent, { recursive: true });
  const temp = join(parent, `.${basename(out)}.import-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(join(temp, 'up'), { recursive: true });
    mkdirSync(join(temp, 'down'), { recursive: true });
    for (const f of files) writeFileSync(join(temp, f.path), f.text, { flag: 'wx' });
    writeFileSync(join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // A folder cannot be renamed over a non-empty one: the old one steps aside first, and is
    // removed only when the new one is in place.
    const aside = existsSync(out) ? `${temp}.old` : undefined;
    if (aside) renameSync(out, aside);
    try {
      renameSync(temp, out);
    } catch (e) {
      if (aside) renameSync(aside, out);
      throw e;
    }
    if (aside) rmSync(aside, { recursive: true, force: true });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export async function importHistory(o: ImportOptions): Promise<ImportResult> {
  if (!FORMATS.includes(o.from)) throw new UsageError(`--from ${o.from} is not a format pgstrata imports; choose one of ${FORMATS.join(', ')}`);
  if (!existsSync(o.src) || !statSync(o.src).isDirectory()) throw new UsageError(`${displayPath(o.src)} is not a folder: name the folder that holds the ${o.from} migrations`);
  if (resolve(o.src) === resolve(o.out)) throw new UsageError(`the source folder and --dir are the same (${displayPath(o.out)}): write the pgstrata history to another folder`);
  checkOut(o.out, o.force ?? false);
  const problems = new Problems();
  const files = readSourceFiles(o.src, problems);
  const list = PARSERS[o.from].parse(files, problems);
  problems.throwIfAny();
  if (list.length === 0) throw new UsageError(`${displayPath(o.src)} holds no ${o.from} migration`);
  if (o.from === 'golang-migrate' || o.from === 'flyway') await inferTransactions(list);
  const { files: written, manifest } = convert(list, o.from, displayPath(o.src));
  if (!o.dryRun) writeAll(o.out, written, manifest);
  return { format: o.from, out: displayPath(o.out), files: written.map((f) => f.path), manifest, dryRun: o.dryRun ?? false };
}

// Reads sql/up and sql/down, pairs the files by name, parses headers and checksums the up files.
// Every problem is collected and reported together; nothing is executed here.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join, relative, isAbsolute, sep } from 'node:path';
import { checksum } from './checksum.js';
import { SourceError, type Problem } from '../util/errors.js';
import { parseDownHeader, parseUpHeader } from './header.js';
import { emptyDown, hasStatement, type EmptyDown } from './sqltext.js';
import { stripBom } from '../util/text.js';
import { firstInvalidByte, lineOfByte } from './utf8.js';

export interface Migration {
  revision: string;
  /** down_revision: none for a root, several for a merge. */
  parents: string[];
  /** The line of the up file's `down_revision` header. */
  parentsLine?: number;
  message: string;
  /** Up file path as shown to the user (relative to the working directory). */
  upFile: string;
  /** Down file path as shown to the user; undefined when the revision is irreversible. */
  downFile?: string;
  /** Where the down file is read from when it is needed. */
  downPath?: string;
  /** The up file's text with any BOM removed: what is sent to the server, positions intact. */
  sql: string;
  checksum: string;
  transactional: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  irreversible: boolean;
}

export interface DownScript {
  file: string;
  sql: string;
  checksum: string;
  transactional: boolean;
  /** Set when the file has no statement (never for a merge, whose down may be empty). */
  empty?: EmptyDown;
}

/** What reading a directory found: the valid migrations, every problem, and each decoded up file's text. */
export interface ScannedSource {
  migrations: Migration[];
  problems: Problem[];
  /** Up files (display path -> text) that decoded but did not become migrations (a bad header, a duplicate id), so `check` can still parse them. */
  rejected: Map<string, string>;
  /** Revisions named by rejected files: a child naming one has a parent, just not a valid one (its file's problem says why). */
  rejectedRevisions: Set<string>;
}

export interface FileText {
  /** Display path. */
  file: string;
  name: string;
  bytes: Uint8Array;
}

const FILE_NAME = /^([0-9A-Za-z]{1,64})(?:_([A-Za-z0-9_.-]+))?\.sql$/;
const FILE_NAME_HINT = 'Name migration files <revision>_<slug>.sql using letters, digits, "_", "." and "-" only (e.g. 2c43863b5e49_initial_migration.sql); move other files out of the directory.';

/** Decodes a file as UTF-8 text, or reports where it is not text. */
export function decodeText(f: FileText, problems: Problem[]): string | undefined {
  // The native check first; the byte-by-byte scan only to say where a bad file goes wrong.
  const bad = isUtf8(f.bytes) && f.bytes.indexOf(0) === -1 ? -1 : firstInvalidByte(f.bytes);
  if (bad !== -1) {
    const what = f.bytes[bad] === 0 ? 'a NUL byte (binary content)' : 'bytes that are not valid UTF-8';
    problems.push({ file: f.file, line: lineOfByte(f.bytes, bad), message: `file contains ${what} at byte ${bad}`, hint: 'Migration files must be UTF-8 text; re-save the file as UTF-8.' });
    return undefined;
  }
  return stripBom(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).toString('utf8'));
}

function slugMessage(slug: string | undefined): string {
  return (slug ?? '').replace(/_/g, ' ').trim();
}

/**
 * Pure: turns the up files' contents and the down directory's file names into migrations.
 * Problems with names, headers, pairing and duplicates come back together.
 */
export function parseSource(upFiles: Iterable<FileText>, down: { dir: string; display: string }, downNames: string[]): ScannedSource {
  const downDir = down.display;
  const problems: Problem[] = [];
  const migrations: Migration[] = [];
  const rejected = new Map<string, string>();
  const rejectedRevisions = new Set<string>();
  const byRevision = new Map<string, Migration>();
  const downs = new Set<string>();
  // Names have no separator in them, so concatenation is path.join without its cost per file.
  const under = (dir: string, name: string) => `${dir}${dir.endsWith(sep) ? '' : sep}${name}`;

  for (const name of downNames) {
    if (FILE_NAME.test(name)) downs.add(name);
    else problems.push({ file: under(downDir, name), message: 'not a migration file name', hint: FILE_NAME_HINT });
  }

  for (const f of upFiles) {
    // Taken out of `downs` as it is paired, so what is left at the end has no up file.
    const hasDown = downs.delete(f.name);
    const m = FILE_NAME.exec(f.name);
    if (!m) {
      problems.push({ file: f.file, message: 'not a migration file name', hint: FILE_NAME_HINT });
      continue;
    }
    const text = decodeText(f, problems);
    if (text === undefined) continue;
    const { header, problems: headerProblems } = parseUpHeader(text, f.file);
    problems.push(...headerProblems);
    if (header.revision === undefined || header.parents === undefined) {
      rejected.set(f.file, text);
      if (header.revision !== undefined) rejectedRevisions.add(header.revision);
      continue;
    }

    const prefix = m[1]!;
    if (header.revision !== prefix) {
      problems.push({ file: f.file, line: 1, message: `header says revision ${header.revision} but the file name starts with ${prefix}`, hint: 'The file name must start with the revision id followed by "_".' });
      rejected.set(f.file, text);
      rejectedRevisions.add(header.revision).add(prefix);
      continue;
    }
    if (!hasDown && !header.irreversible) {
      problems.push({ file: f.file, message: `missing down file ${under(downDir, f.name)}`, hint: 'Write the reverse SQL there, or declare `-- down: irreversible` in the up header.' });
    }
    if (hasDown && header.irreversible) {
      problems.push({ file: f.file, message: `declared "down: irreversible" but ${under(downDir, f.name)} exists`, hint: 'Delete the down file or remove the `down: irreversible` line.' });
    }
    if (header.parents.length < 2 && !hasStatement(text)) {
      problems.push({ code: 'empty-migration', file: f.file, message: 'up file has no SQL statement, only comments or whitespace', hint: 'An empty migration would be recorded as applied while changing nothing. Write its SQL; only merge revisions may be empty.' });
    }
    const migration: Migration = {
      revision: header.revision,
      parents: header.parents,
      ...(header.parentsLine !== undefined ? { parentsLine: header.parentsLine } : {}),
      message: header.message ?? slugMessage(m[2]),
      upFile: f.file,
      ...(hasDown ? { downFile: under(downDir, f.name), downPath: under(down.dir, f.name) } : {}),
      sql: text,
      checksum: checksum(text),
      transactional: header.transactional,
      ...(header.lockTimeout ? { lockTimeout: header.lockTimeout } : {}),
      ...(header.statementTimeout ? { statementTimeout: header.statementTimeout } : {}),
      irreversible: header.irreversible,
    };
    const existing = byRevision.get(migration.revision);
    if (existing) {
      problems.push({ file: f.file, line: 1, message: `revision ${migration.revision} is also defined by ${existing.upFile}`, hint: 'Every revision id must be unique; give one of them a new id (`pgstrata new` makes one).' });
      rejected.set(f.file, text);
      continue;
    }
    byRevision.set(migration.revision, migration);
    migrations.push(migration);
  }
  for (const name of downs) {
    problems.push({ file: under(downDir, name), message: 'down file has no up file of the same name', hint: 'Rename it to match its up file, or delete it.' });
  }
  return { migrations, problems, rejected, rejectedRevisions };
}

/** Path as the user should see it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function listDir(dir: string, display: string, required: boolean, problems: Problem[]): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .filter((e) => {
        if (e.isFile() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isFile())) return true;
        problems.push({ file: join(display, e.name), message: 'not a regular file', hint: 'Migration directories hold only <revision>_<slug>.sql files.' });
        return false;
      })
      .map((e) => e.name)
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return [];
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'directory not found' : (e as Error).message;
    problems.push({ file: display, message: reason, hint: 'Point --dir at the folder that holds up/ and down/ (default ./sql).' });
    return [];
  }
}

const CHUNK = 1 << 16;
const shared = Buffer.allocUnsafe(CHUNK);

/**
 * A file's bytes, read into one reused buffer: no allocation or fstat per file, which is most of
 * the cost of 10,000 small files. A file that fills the buffer is read again whole. The view is
 * valid until the next call; callers decode it at once.
 */
function readBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = readSync(fd, shared, 0, CHUNK, 0);
  } finally {
    closeSync(fd);
  }
  return size < CHUNK ? shared.subarray(0, size) : readFileSync(path);
}

/** The files of a directory, each read just before it is parsed. */
function* readFiles(dir: string, display: string, names: string[]): Generator<FileText> {
  for (const name of names) yield { name, file: `${display}${sep}${name}`, bytes: readBytes(`${dir}${sep}${name}`) };
}

/** Reads `<dir>/up` and the names in `<dir>/down`; throws SourceError listing every problem. */
export function readSource(dir: string): Migration[] {
  const { migrations, problems } = scanSource(dir);
  if (problems.length > 0) throw new SourceError(problems);
  return migrations;
}

/** Like readSource, but returns the problems instead of throwing (for `check`, which reports them all). */
export function scanSource(dir: string): ScannedSource {
  const problems: Problem[] = [];
  const upDir = join(dir, 'up');
  const downDir = join(dir, 'down');
  const upDisplay = displayPath(upDir);
  const upNames = listDir(upDir, upDisplay, true, problems);
  const downDisplay = displayPath(downDir);
  const downNames = listDir(downDir, downDisplay, false, problems);
  const parsed = parseSource(readFiles(upDir, upDisplay, upNames), { dir: downDir, display: downDisplay }, downNames);
  return { ...parsed, problems: [...problems, ...parsed.problems] };
}

/** Reads and checks the down file of a migration, just before it is needed. */
export function readDown(m: Migration): DownScript | undefined {
  const { script, problems } = inspectDown(m);
  if (problems.length > 0) throw new SourceError(problems);
  return script;
}

/**
 * Reads a migration's down file and returns its problems rather than throwing: `check` reads
 * every down file up front, the runner only the ones it is about to run. `script` is set
 * whenever the file could be decoded, so `check` can still parse an empty or mis-headed one.
 */
export function inspectDown(m: Migration): { script?: DownScript; problems: Problem[] } {
  if (!m.downFile || !m.downPath) return { problems: [] };
  const problems: Problem[] = [];
  const text = decodeText({ file: m.downFile, name: m.downFile, bytes: readBytes(m.downPath) }, problems);
  if (text === undefined) return { problems };
  const { header, problems: headerProblems } = parseDownHeader(text, m.downFile);
  problems.push(...headerProblems);
  // An empty down is not a problem here: `up` may record it, `down` decides (see emptyDown).
  const empty = m.parents.length < 2 ? emptyDown(text) : undefined;
  return { script: { file: m.downFile, sql: text, checksum: checksum(text), transactional: header.transactional, ...(empty ? { empty } : {}) }, problems };
}

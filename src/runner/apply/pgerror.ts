// Turns what PostgreSQL said about a failure into a place in the file the user wrote.
// `position` is a 1-based code-point offset into the text sent; errors inside PL/pgSQL bodies
// carry `internalPosition` into `internalQuery`, or only a `where` line such as
// "PL/pgSQL function inline_code_block line 3 at SQL statement".
import type { DatabaseErrorFields, SqlLocation } from '../util/errors.js';
import { redactForeign } from '../util/redact.js';
import { codePointLength, lineAtIndex, lineColumnAtCodePoint } from '../util/text.js';

export interface RawDbError extends DatabaseErrorFields {
  position?: number;
  internalPosition?: number;
  internalQuery?: string;
  table?: string;
  schema?: string;
  column?: string;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function foreign(v: unknown): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : redactForeign(s);
}

/**
 * The fields of a node-postgres, PGlite or pg-mem error, normalised. The texts people read are
 * redacted here, once, since they go on to stderr, --json and the version table's journal.
 */
export function toDbError(e: unknown): RawDbError {
  const o = (e ?? {}) as Record<string, unknown>;
  const message = redactForeign(e instanceof Error ? e.message : String(e));
  const out: RawDbError = { message: message.split('\n')[0] ?? message };
  const set = <K extends keyof RawDbError>(k: K, v: RawDbError[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('sqlstate', typeof o.code === 'string' && /^[0-9A-Z]{5}$/.test(o.code) ? o.code : undefined);
  set('detail', foreign(o.detail));
  set('hint', foreign(o.hint));
  set('where', foreign(o.where));
  set('position', num(o.position));
  set('internalPosition', num(o.internalPosition));
  set('internalQuery', str(o.internalQuery));
  set('table', str(o.table));
  set('schema', str(o.schema));
  set('column', str(o.column));
  return out;
}

/** The UTF-16 index of a 0-based code-point offset. */
function indexOfCodePoint(text: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}

export interface SentText {
  file: string;
  /** The file's text exactly as embedded in the script. */
  text: string;
  /** Code points of script before the file's text starts. */
  offset: number;
}

/** Where in `sent.file` the error points; line and column are absent when nobody can tell. */
export function locate(err: RawDbError, sent: SentText): SqlLocation {
  if (err.position !== undefined) {
    const at = err.position - 1 - sent.offset;
    if (at >= 0 && at <= codePointLength(sent.text)) return { file: sent.file, ...lineColumnAtCodePoint(sent.text, at) };
    return { file: sent.file };
  }
  if (err.internalQuery && err.internalPosition !== undefined) {
    const first = sent.text.indexOf(err.internalQuery);
    if (first !== -1 && sent.text.indexOf(err.internalQuery, first + 1) === -1) {
      const index = first + indexOfCodePoint(err.internalQuery, err.internalPosition - 1);
      return { file: sent.file, ...lineColumnAtCodePoint(sent.text, codePointLength(sent.text.slice(0, index))) };
    }
  }
  const body = err.where ? bodyLine(err.where, sent.text) : undefined;
  return body === undefined ? { file: sent.file } : { file: sent.file, line: body };
}

const PLPGSQL_WHERE = /PL\/pgSQL function (\S+?)(?:\([^)]*\))? line (\d+)/;

/** The file line of "line N" of a DO block or function body, when the body can be found once. */
function bodyLine(where: string, text: string): number | undefined {
  const m = PLPGSQL_WHERE.exec(where);
  if (!m) return undefined;
  const name = m[1]!;
  const line = Number(m[2]);
  const opener =
    name === 'inline_code_block'
      ? /\bDO\s+(?:LANGUAGE\s+\S+\s+)?(\$[A-Za-z_0-9]*\$|')/gi
      : new RegExp(`\\bFUNCTION\\s+(?:[\\w"]+\\.)?"?${name.replace(/^.*\./, '').replace(/[^\w]/g, '')}"?\\s*\\([\\s\\S]*?\\bAS\\s+(\\$[A-Za-z_0-9]*\\$|')`, 'gi');
  const starts = [...text.matchAll(opener)].map((x) => x.index! + x[0].length);
  if (starts.length !== 1) return undefined;
  return lineAtIndex(text, starts[0]!) + line - 1;
}

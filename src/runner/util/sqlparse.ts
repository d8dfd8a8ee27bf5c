// The real PostgreSQL parser (libpg-query, WebAssembly), loaded only by the commands that must
// understand SQL. Its statement offsets are UTF-8 byte offsets and its syntax-error cursor is a
// 0-based code-point offset; everything here is turned into UTF-16 indices and 1-based
// line/column as an editor shows them.
import type { Problem } from './errors.js';
import { ByteCursor, lineColumnAtCodePoint } from './text.js';

export interface ParsedStatement {
  /** The node's type, e.g. 'IndexStmt', 'AlterTableStmt'. */
  kind: string;
  /** The node itself (libpg-query's JSON AST), keyed by nothing: `{ relation: …, concurrent: … }`. */
  node: Record<string, unknown>;
  /** UTF-16 index range of the statement in the text, without its trailing semicolon. */
  start: number;
  end: number;
  line: number;
  column: number;
  text: string;
}

type LibPgQuery = typeof import('libpg-query');
let loaded: Promise<LibPgQuery> | undefined;

async function parser(): Promise<LibPgQuery> {
  loaded ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    return m;
  });
  return loaded;
}

export type ParseOutcome = { ok: true; statements: ParsedStatement[] } | { ok: false; problem: Problem };

/** Splits and parses `text`; a syntax error comes back as a Problem at its exact line and column. */
export async function parseStatements(text: string, file: string): Promise<ParseOutcome> {
  const lib = await parser();
  let result: { stmts?: Array<{ stmt: Record<string, Record<string, unknown>>; stmt_location?: number; stmt_len?: number }> };
  try {
    result = lib.parseSync(text) as never;
  } catch (e) {
    const details = (e as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    const at = details ? lineColumnAtCodePoint(text, details.cursorPosition) : { line: 1, column: 1 };
    return { ok: false, problem: { file, ...at, message: details?.message ?? (e as Error).message, hint: 'PostgreSQL would reject this file; fix the syntax at this position.' } };
  }
  const cursor = new ByteCursor(text);
  const totalBytes = Buffer.byteLength(text);
  const statements = (result.stmts ?? []).map((s) => {
    const [kind, node] = Object.entries(s.stmt)[0]!;
    const startByte = s.stmt_location ?? 0;
    const endByte = s.stmt_len ? startByte + s.stmt_len : totalBytes;
    const { index: start, line, column } = cursor.at(startByte);
    const end = cursor.at(endByte).index;
    return { kind, node: node ?? {}, start, end, line, column, text: text.slice(start, end) };
  });
  return { ok: true, statements };
}

// Just enough SQL lexing to tell whether a file says anything: the Alembic history this project
// grew from applied an empty migration for months. Statements are found by the real parser
// elsewhere; this only skips whitespace, `;`, `--` comments and (nested) `/* */` comments.

/** True when `sql` holds anything other than whitespace, semicolons and comments. */
export function hasStatement(sql: string): boolean {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === ';' || c === '\uFEFF') {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i);
    } else {
      return true;
    }
  }
  return false;
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return i;
}

/**
 * What an empty down file says it means. `down` refuses an 'unmarked' one (it would record a
 * revert that undid nothing); a line `-- irreversible` makes it always refuse, `-- no-op` lets it
 * pass (the change needs no undoing). Undefined when the file holds a statement.
 */
export type EmptyDown = 'unmarked' | 'irreversible' | 'no-op';

export function emptyDown(sql: string): EmptyDown | undefined {
  if (hasStatement(sql)) return undefined;
  for (const line of sql.split('\n')) {
    const marker = line.trim().toLowerCase();
    if (marker === '-- irreversible') return 'irreversible';
    if (marker === '-- no-op') return 'no-op';
  }
  return 'unmarked';
}

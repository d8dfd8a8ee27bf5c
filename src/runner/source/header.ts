// The header of an up file: leading `-- key: value` comment lines, parsed by an anchored pattern
// and nothing else (a key mentioned later in the file is just a comment). Unknown keys are errors,
// so a typo such as `down_revison` cannot silently turn a child into a root.
import type { Problem } from '../util/errors.js';

export interface UpHeader {
  revision?: string;
  /** Parents; empty for a root (`down_revision: none`), undefined when the key is missing. */
  parents?: string[];
  /** The line of the `down_revision` header, so that a problem with a parent can point at it. */
  parentsLine?: number;
  message?: string;
  /** false for `transaction: none`. */
  transactional: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  irreversible: boolean;
}

export interface DownHeader {
  transactional: boolean;
}

// One header line at a given offset: `-- key: value`, ending at "\n" or the end of the text. A
// trailing "\r" is not part of the value, and any other line break ends the header, as `.` would.
const ENTRY = /--[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*:([^\n\r\u2028\u2029]*)\r?(?:\n|$)/y;
export const REVISION_ID = /^[0-9A-Za-z]{1,64}$/;
const DURATION = /^\d+(\.\d+)?\s*(us|ms|s|min|h|d)?$/;
const UP_KEYS = ['revision', 'down_revision', 'message', 'transaction', 'lock_timeout', 'statement_timeout', 'down'];

interface Entry {
  key: string;
  value: string;
  line: number;
}

/**
 * `check`'s `-- pgstrata-ignore: <rule> — why` comment looks like a key, but it belongs to the
 * statement below it: it ends the header.
 */
const IGNORE_KEY = 'pgstrata-ignore';

/** The leading run of `-- key: value` lines; the first other line ends the header. */
function headerEntries(text: string): Entry[] {
  // Matched in place with a sticky pattern: no substring per line, which at 10,000 files is most
  // of the cost of reading a directory's headers.
  const entries: Entry[] = [];
  ENTRY.lastIndex = 0;
  for (let line = 1, m = ENTRY.exec(text); m && m[1] !== IGNORE_KEY; line++, m = ENTRY.lastIndex < text.length ? ENTRY.exec(text) : null) {
    entries.push({ key: m[1]!, value: m[2]!.trim(), line });
  }
  return entries;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function unknownKeyHint(key: string, known: string[]): string {
  const close = known.find((k) => editDistance(key.toLowerCase(), k) <= 2);
  const suggestion = close ? `did you mean "${close}"? ` : '';
  return `${suggestion}Known keys: ${known.join(', ')}. Free-form comments belong after a blank line that ends the header.`;
}

export function parseUpHeader(text: string, file: string): { header: UpHeader; problems: Problem[] } {
  const header: UpHeader = { transactional: true, irreversible: false };
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const bad = (line: number, message: string, hint?: string) => problems.push({ file, line, message, ...(hint ? { hint } : {}) });

  for (const { key, value, line } of headerEntries(text)) {
    if (!UP_KEYS.includes(key)) {
      bad(line, `unknown header key "${key}"`, unknownKeyHint(key, UP_KEYS));
      continue;
    }
    if (seen.has(key)) {
      bad(line, `header key "${key}" appears more than once`, 'Keep one line per key.');
      continue;
    }
    seen.add(key);
    if (value === '') {
      bad(line, `header key "${key}" has no value`);
      continue;
    }
    switch (key) {
      case 'revision':
        if (REVISION_ID.test(value)) header.revision = value;
        else bad(line, `revision "${value}" is not a valid id`, 'Use 1-64 letters and digits, e.g. a 12-hex id from `pgstrata new`.');
        break;
      case 'down_revision':
        header.parents = parseParents(value, line, bad);
        header.parentsLine = line;
        break;
      case 'message':
        header.message = value;
        break;
      case 'transaction':
        if (value === 'none') header.transactional = false;
        else bad(line, `transaction: "${value}" is not understood`, 'The only value is "none" (run outside a transaction); leave the key out for the default, one transaction per file.');
        break;
      case 'lock_timeout':
      case 'statement_timeout':
        if (!DURATION.test(value)) {
          bad(line, `${key}: "${value}" is not a duration`, 'Write a PostgreSQL duration such as 5s, 500ms or 2min.');
        } else if (key === 'lock_timeout') header.lockTimeout = value;
        else header.statementTimeout = value;
        break;
      case 'down':
        if (value === 'irreversible') header.irreversible = true;
        else bad(line, `down: "${value}" is not understood`, 'The only value is "irreversible" (no down file; `down` stops at this revision).');
        break;
    }
  }
  if (!seen.has('revision')) {
    problems.push({ file, line: 1, message: 'missing header line "-- revision: <id>"', hint: 'An up file starts with `-- revision: <id>` and `-- down_revision: <parent>|none`, one per line, before any other line.' });
  }
  if (!seen.has('down_revision')) {
    problems.push({ file, line: 1, message: 'missing header line "-- down_revision: <parent>"', hint: 'Name the parent revision, several separated by commas for a merge, or write `none` for the first revision.' });
  }
  return { header, problems };
}

function parseParents(value: string, line: number, bad: (line: number, message: string, hint?: string) => void): string[] {
  if (value === 'none') return [];
  const parents = value.split(',').map((s) => s.trim());
  const valid: string[] = [];
  for (const p of parents) {
    if (!REVISION_ID.test(p)) bad(line, `down_revision "${p}" is not a valid revision id`, 'Write `none`, one id, or ids separated by commas.');
    else if (valid.includes(p)) bad(line, `down_revision lists "${p}" twice`);
    else valid.push(p);
  }
  return valid;
}

/** A down file has no header of its own, except a leading `-- transaction: none`. */
export function parseDownHeader(text: string, file: string): { header: DownHeader; problems: Problem[] } {
  const header: DownHeader = { transactional: true };
  const problems: Problem[] = [];
  for (const { key, value, line } of headerEntries(text)) {
    if (key !== 'transaction') continue;
    if (value === 'none') header.transactional = false;
    else problems.push({ file, line, message: `transaction: "${value}" is not understood`, hint: 'The only value is "none".' });
  }
  return { header, problems };
}

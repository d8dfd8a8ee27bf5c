// A history with revisions still being written. `new` scaffolds files holding only comments,
// which the commands that run or record SQL (up, down, redo, stamp, check) refuse: an empty
// migration must never be applied. The read-only and scaffolding commands (status, current,
// history, heads, branches, graph, new, merge) load such a history anyway, so that the branch
// workflow works while files are half-written; they warn, and status marks those revisions.
import { historyOf, type History } from './history.js';
import type { Logger } from '../util/logger.js';
import { inspectDown, scanSource } from '../source/source.js';

const EMPTY = 'empty-migration';

/**
 * Reads and validates the directory like loadHistory, except that up files with no SQL statement
 * (and their down files, when empty too) are collected in `history.empty` instead of stopping it. Any other problem still
 * throws (with the empty files listed too, since the command stops anyway).
 */
export function loadDraftHistory(dir: string): History {
  const scan = scanSource(dir);
  const history = historyOf(dir, scan, (p) => p.code === EMPTY);
  const { migrations, problems } = scan;
  const empty = new Map<string, string[]>();
  const add = (revision: string, file: string) => empty.set(revision, [...(empty.get(revision) ?? []), file]);
  const emptyUp = new Set(problems.map((p) => p.file));
  for (const m of migrations) {
    if (!emptyUp.has(m.upFile)) continue;
    add(m.revision, m.upFile);
    // Down files are otherwise read only when a down runs (or an up records it, which refuses an
    // empty one); here only the downs of empty ups, which is what `new` leaves, so that a large
    // history's status does not read every down file.
    for (const p of inspectDown(m).problems) if (p.code === EMPTY) add(m.revision, p.file);
  }
  return { ...history, empty };
}

/** One warning naming every empty file, so a half-written revision is not forgotten. */
export function warnAboutEmpty(history: History, logger: Logger): void {
  const files = [...(history.empty?.values() ?? [])].flat();
  if (files.length === 0) return;
  logger.warn(
    { event: 'empty-migration', files },
    `${files.length === 1 ? 'a migration file has' : `${files.length} migration files have`} no SQL statement yet: ${files.join(', ')}; fill ${files.length === 1 ? 'it' : 'them'} in before \`up\` (up refuses empty migrations)`,
  );
}

// A history with revisions still being written. `new` scaffolds files holding only comments,
// which the commands that run or record SQL (up, down, redo, stamp, check) refuse: an empty up
// must never be applied (an empty down is recorded by up; down refuses to run through it). The
// read-only and scaffolding commands (status, current, history, heads, branches, graph, new,
// merge) load such a history anyway, so that the branch workflow works while files are
// half-written; they warn, and status marks those revisions.
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
    // What `new` leaves: the down of an empty up is named with it (warnAboutEmptyDowns names the rest).
    const down = inspectDown(m).script;
    if (down?.empty === 'unmarked') add(m.revision, down.file);
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

/**
 * One warning per down file with no statement and no `-- no-op` or `-- irreversible` line (for
 * status and history): `up` records such a revision, but `down` will stop there. The downs of
 * empty ups are already named by warnAboutEmpty. Reads every down file, which costs a read per
 * revision; only the commands that show the whole history pay it.
 */
export function warnAboutEmptyDowns(history: History, logger: Logger): void {
  for (const m of history.migrations.values()) {
    if (history.empty?.has(m.revision)) continue;
    const down = inspectDown(m).script;
    if (down?.empty !== 'unmarked') continue;
    logger.warn(
      { event: 'empty-down', revision: m.revision, file: down.file },
      `${down.file}: the down file of ${m.revision} has no SQL statement; \`down\` will stop before reverting it (write the reverse SQL, or a line \`-- no-op\` if nothing needs undoing, or \`-- irreversible\`)`,
    );
  }
}

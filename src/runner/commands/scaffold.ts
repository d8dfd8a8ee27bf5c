// `new`: writes a paired up/down file with a fresh id and the current head as parent.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import type { History } from '../graph/history.js';
import { displayPath } from '../source/source.js';
import { resolveRevision } from '../graph/target.js';

export interface NewRevision {
  revision: string;
  parents: string[];
  upFile: string;
  downFile: string;
}

export function slugify(message: string): string {
  const slug = message
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
    .replace(/_+$/, '');
  return slug || 'revision';
}

/** Parents for a new revision: the single head, or none for the first revision. */
export function defaultParents(history: History | undefined): string[] {
  if (!history) return [];
  const heads = history.graph.heads();
  if (heads.length > 1) {
    throw new UsageError(`there are ${heads.length} heads (${heads.join(', ')}); a new revision needs one parent: join them with a merge revision first (\`pgstrata merge heads -m "…"\`), or pick the parent with \`--parent <rev>\` (e.g. --parent ${heads[0]})`);
  }
  return heads;
}

export interface RevisionTexts {
  up: string[];
  down: string[];
}

const REVISION_TEXTS: RevisionTexts = {
  up: ['-- Forward SQL goes here. It runs in one transaction with its version row;', "-- pgstrata refuses to apply the file while it has no statement.", ''],
  down: ['-- SQL that exactly reverses the up file goes here (`down` stops at this revision while it has no statement).', '-- If nothing needs undoing, write a line `-- no-op`; if it cannot be undone, a line `-- irreversible`.', ''],
};

const MERGE_TEXTS: RevisionTexts = {
  up: ['-- A merge revision: it joins the branches above, and may stay empty.', '-- If the branches conflict (both touch the same table, say), write the SQL that reconciles them here.', ''],
  down: ['-- Reverses whatever the merge revision does; empty when the merge is empty.', ''],
};

export interface WriteOptions {
  /** Say what would be written (paths, id, parents) and write nothing. */
  dryRun?: boolean;
  revision?: string;
  texts?: RevisionTexts;
}

export function writeRevision(dir: string, message: string, parents: string[], options: WriteOptions = {}): NewRevision {
  const { revision = randomBytes(6).toString('hex'), texts = REVISION_TEXTS } = options;
  const text = message.replace(/\s+/g, ' ').trim();
  if (text === '') throw new UsageError('the message must not be empty');
  const name = `${revision}_${slugify(text)}.sql`;
  const upPath = join(dir, 'up', name);
  const downPath = join(dir, 'down', name);
  if (existsSync(upPath) || existsSync(downPath)) throw new UsageError(`${displayPath(upPath)} already exists`);
  const created = { revision, parents, upFile: displayPath(upPath), downFile: displayPath(downPath) };
  if (options.dryRun) return created;
  mkdirSync(join(dir, 'up'), { recursive: true });
  mkdirSync(join(dir, 'down'), { recursive: true });
  const up = [`-- revision: ${revision}`, `-- down_revision: ${parents.length > 0 ? parents.join(', ') : 'none'}`, `-- message: ${text}`, '', ...texts.up].join('\n');
  writeFileSync(upPath, up, { flag: 'wx' });
  writeFileSync(downPath, texts.down.join('\n'), { flag: 'wx' });
  return created;
}

/**
 * Parents for `merge`: at least two distinct revisions (or `heads`), none an ancestor of
 * another, since a merge joins lines of history that do not already contain each other.
 */
export function mergeParents(history: History, specs: string[]): string[] {
  const { graph } = history;
  const parents = specs.length === 1 && specs[0] === 'heads' ? graph.heads() : specs.map((s) => resolveRevision(graph, s));
  const unique = [...new Set(parents)];
  if (unique.length < 2) throw new UsageError(`a merge needs at least two revisions to join (${specs.join(' ') === 'heads' ? `there is only one head: ${unique.join(', ') || 'none'}` : 'name two or more, or "heads"'})`);
  for (const a of unique) {
    const above = graph.descendants([a]);
    const contained = unique.find((b) => b !== a && above.has(b));
    if (contained) throw new UsageError(`${a} is already an ancestor of ${contained}: a merge joins branches that do not contain each other; merge ${contained} with the other branch instead`);
  }
  return unique;
}

export function writeMerge(dir: string, message: string, parents: string[], options: { dryRun?: boolean } = {}): NewRevision {
  return writeRevision(dir, message, parents, { ...options, texts: MERGE_TEXTS });
}

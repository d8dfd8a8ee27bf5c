// `new`: writes a paired up/down file with a fresh id and the current head as parent.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import type { History } from './history.js';
import { displayPath } from './source.js';

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
    throw new UsageError(`there are ${heads.length} heads (${heads.join(', ')}); a new revision needs one parent: join them with a merge revision first`);
  }
  return heads;
}

export function writeRevision(dir: string, message: string, parents: string[], revision = randomBytes(6).toString('hex')): NewRevision {
  const text = message.replace(/\s+/g, ' ').trim();
  if (text === '') throw new UsageError('the message must not be empty');
  const name = `${revision}_${slugify(text)}.sql`;
  const upPath = join(dir, 'up', name);
  const downPath = join(dir, 'down', name);
  if (existsSync(upPath) || existsSync(downPath)) throw new UsageError(`${displayPath(upPath)} already exists`);
  mkdirSync(join(dir, 'up'), { recursive: true });
  mkdirSync(join(dir, 'down'), { recursive: true });
  const up = [
    `-- revision: ${revision}`,
    `-- down_revision: ${parents.length > 0 ? parents.join(', ') : 'none'}`,
    `-- message: ${text}`,
    '',
    '-- Forward SQL goes here. It runs in one transaction with its version row;',
    "-- pgstrata refuses to apply the file while it has no statement.",
    '',
  ].join('\n');
  const down = ['-- SQL that exactly reverses the up file goes here (pgstrata refuses an empty down).', '-- If it cannot be reversed, delete this file and add `-- down: irreversible` to the up header.', ''].join('\n');
  writeFileSync(upPath, up, { flag: 'wx' });
  writeFileSync(downPath, down, { flag: 'wx' });
  return { revision, parents, upFile: displayPath(upPath), downFile: displayPath(downPath) };
}

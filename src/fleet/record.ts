// The run record: every target of one fleet run and how far it got, so a run stopped by a crash,
// a kill -9 or a failure can be finished (`fleet resume`) without redoing what is done. This file
// holds the contract and the default, a local JSON file written whole (temporary file renamed
// into place) after every change, held by one process at a time with the PGlite directory lock.
// pgrecord.ts keeps the same record in PostgreSQL, for several processes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lockDirectory, type DirLock } from '../runner/engines/dirlock.js';
import { UsageError } from '../runner/util/errors.js';
import type { Next } from './schedule.js';
import { DONE, type Outcome, type TargetEntry } from './report.js';

/** What a run was started with, so `fleet resume RUN` needs nothing else. */
export interface RunMeta {
  /** Absolute path of the targets file (the record never holds passwords, so it is read again). */
  targetsFile: string;
  /** Absolute path of the migrations folder. */
  dir: string;
  schema: string;
  table: string;
  createdAt: string;
}

export interface OpenRun {
  /** The targets of this process, in file order: name, shown URL (no password), schema. */
  targets: Array<Pick<TargetEntry, 'name' | 'url' | 'schema'>>;
  meta: RunMeta;
  /** Resume: failed, unreachable and not-started targets are tried again, and a stop is lifted. */
  retry: boolean;
}

export interface RunRecord {
  readonly id: string;
  /** Where the record lives, safe to print. */
  readonly where: string;
  /** Creates the run, or joins it: targets it lacks are added; returns the stored meta. */
  open(run: OpenRun): Promise<RunMeta>;
  /** The next target among `names` nobody is working on (a claim by a dead worker counts as free). */
  claim(names: readonly string[]): Promise<Next<string>>;
  /** Records how a claimed target ended; false if another worker took the claim over meanwhile. */
  finish(name: string, outcome: Outcome): Promise<boolean>;
  /** Marks the run stopped after a failure: no worker of any process claims another target. */
  stop(): Promise<void>;
  entries(): Promise<TargetEntry[]>;
  close(): Promise<void>;
}

/** The meta of an existing run, or a usage error naming where it was looked for. */
export function notFound(id: string, where: string): UsageError {
  return new UsageError(`no fleet run ${id} in ${where}; \`pgstrata up --targets FILE --run ${id}\` starts it`);
}

interface FileDocument {
  id: string;
  meta: RunMeta;
  stopped: boolean;
  targets: TargetEntry[];
}

export const DEFAULT_RECORD_DIR = join('.pgstrata', 'fleet');

export class FileRecord implements RunRecord {
  private doc: FileDocument | undefined;
  private lock: DirLock | undefined;
  private readonly worker = `pid ${process.pid}`;

  private constructor(readonly id: string, private readonly path: string) {}

  get where(): string {
    return this.path;
  }

  /** Takes the record's file lock: one process works a local run at a time. */
  static async at(id: string, dir = DEFAULT_RECORD_DIR): Promise<FileRecord> {
    const record = new FileRecord(id, join(dir, `${id}.json`));
    mkdirSync(dir, { recursive: true });
    record.lock = await lockDirectory(record.path, 0).catch((e: Error) => {
      throw new UsageError(`${e.message.replace(/^the PGlite directory/, 'the fleet record')}; several processes share a run through --fleet-state URL`);
    });
    return record;
  }

  /** The stored document of an existing run, read without joining it (for resume). */
  static exists(id: string, dir = DEFAULT_RECORD_DIR): boolean {
    return existsSync(join(dir, `${id}.json`));
  }

  async open(run: OpenRun): Promise<RunMeta> {
    const stored = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as FileDocument) : undefined;
    const doc: FileDocument = stored ?? { id: this.id, meta: run.meta, stopped: false, targets: [] };
    const known = new Set(doc.targets.map((t) => t.name));
    for (const t of run.targets) if (!known.has(t.name)) doc.targets.push({ ...t, state: 'pending', attempts: 0 });
    for (const t of doc.targets) {
      // We hold the file lock, so a target marked running belongs to a process that died.
      if (t.state === 'running') t.state = 'pending';
      if (run.retry && !DONE.has(t.state)) t.state = 'pending';
    }
    if (run.retry) doc.stopped = false;
    this.doc = doc;
    this.save();
    return doc.meta;
  }

  /** Reads an existing run's meta without changing it. */
  static readMeta(id: string, dir = DEFAULT_RECORD_DIR): RunMeta | undefined {
    const path = join(dir, `${id}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FileDocument).meta : undefined;
  }

  async claim(names: readonly string[]): Promise<Next<string>> {
    const doc = this.document();
    if (doc.stopped) return { done: true };
    const wanted = new Set(names);
    const next = doc.targets.find((t) => t.state === 'pending' && wanted.has(t.name));
    if (!next) return { done: true };
    next.state = 'running';
    next.attempts++;
    next.claimedBy = this.worker;
    this.save();
    return { item: next.name };
  }

  async finish(name: string, outcome: Outcome): Promise<boolean> {
    const entry = this.document().targets.find((t) => t.name === name);
    if (!entry) return false;
    entry.state = outcome.state;
    entry.outcome = outcome;
    this.save();
    return true;
  }

  async stop(): Promise<void> {
    this.document().stopped = true;
    this.save();
  }

  async entries(): Promise<TargetEntry[]> {
    return this.document().targets.map((t) => ({ ...t }));
  }

  async close(): Promise<void> {
    this.lock?.release();
    this.lock = undefined;
  }

  private document(): FileDocument {
    if (!this.doc) throw new Error('fleet record used before open()');
    return this.doc;
  }

  /** Whole or not at all: a kill -9 mid-write leaves the previous version. */
  private save(): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(temp, `${JSON.stringify(this.doc, null, 2)}\n`);
    renameSync(temp, this.path);
  }
}

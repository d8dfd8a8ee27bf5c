// The runner: validates the files, takes the lock, reads what is applied, plans, and runs each
// step in its own transaction. Everything the CLI does goes through here; so can an application.
import { runStep } from '../apply/apply.js';
import { checkResumable, refuseDirty, resumeSteps, type PlannedStep } from '../apply/dirty.js';
import type { Engine } from '../engines/engine.js';
import type { RevisionGraph } from '../graph/graph.js';
import { assertNoDrift, fileOf, findDrift, graphWithApplied, loadHistory, type History } from '../graph/history.js';
import { nothingToApply, nothingToRevert } from '../graph/idle.js';
import { acquireLock, lockKey } from '../store/lock.js';
import { stderrLogger, type Logger } from '../util/logger.js';
import { planDown, planUp } from '../graph/plan.js';
import { prepareScripts } from '../apply/prepare.js';
import { splitRows, Store, type AppliedMark, type AppliedRow } from '../store/store.js';

export interface RunnerOptions {
  /** Folder holding up/ and down/ (default ./sql). */
  dir?: string;
  schema?: string;
  table?: string;
  /** How long to wait for another runner's lock (default 5 minutes). */
  lockTimeoutMs?: number;
  /** Run even though applied files changed or vanished. */
  allowDrift?: boolean;
  /** Default: warnings and errors on stderr, one line each (stderrLogger); silentLogger silences them. */
  logger?: Logger;
}

export interface StepResult {
  revision: string;
  direction: 'up' | 'down';
  message: string;
  file: string;
  /** Undefined in a dry run. */
  durationMs?: number;
  /** false for a file marked `transaction: none` (run statement by statement). */
  transactional?: boolean;
  /** Set when a dirty revision is continued: the 1-based statement it continues from. */
  resumedAt?: number;
}

export interface RunResult {
  steps: StepResult[];
  dryRun: boolean;
  /** Set by up and down when there was nothing to do: why, in a sentence ("Nothing to apply: …"). */
  note?: string;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Continue a dirty revision (a `transaction: none` file that stopped part-way) first. */
  resume?: boolean;
  /** Called after each step commits, e.g. to print progress. */
  onStep?: (step: StepResult) => void;
}

/** Everything a session under the lock knows. */
export interface Session {
  history: History;
  /** Rows in state applied: what planning counts as applied. */
  applied: AppliedMark[];
  appliedSet: Set<string>;
  /** Rows of revisions that stopped part-way (state running or failed). */
  dirty: AppliedRow[];
  graph: RevisionGraph;
}

export class Runner {
  readonly dir: string;
  readonly store: Store;
  readonly logger: Logger;
  private readonly lockTimeoutMs: number;
  private readonly allowDrift: boolean;
  private warnedAboutEngine = false;

  constructor(readonly engine: Engine, options: RunnerOptions = {}) {
    this.dir = options.dir ?? './sql';
    this.store = new Store(engine, { schema: options.schema ?? 'public', table: options.table ?? 'pgstrata_version' });
    this.logger = options.logger ?? stderrLogger;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 5 * 60_000;
    this.allowDrift = options.allowDrift ?? false;
  }

  /** Validates the files; throws SourceError listing every problem. Touches no database. */
  history(): History {
    return loadHistory(this.dir);
  }

  async up(target = 'heads', options: RunOptions = {}): Promise<RunResult> {
    const history = this.history();
    return this.session(history, !options.dryRun, async (s) => {
      this.checkDrift(s);
      const resumed = this.resumeOrRefuse(s, 'up', options);
      if (target === 'heads' && s.graph.heads().length > 1) {
        this.logger.warn({ event: 'multiple-heads', heads: s.graph.heads() }, `${s.graph.heads().length} heads: applying all of them; a merge revision would join them`);
      }
      const done = resumed.length === 0 ? s.appliedSet : new Set([...s.appliedSet, ...resumed.map((r) => r.revision)]);
      const steps = planUp(s.graph, done, target, (r) => fileOf(history, r));
      const result = await this.execute(s, [...resumed, ...steps], options);
      return result.steps.length > 0 ? result : { ...result, note: nothingToApply(s.graph, done, target) };
    });
  }

  /** `target` undefined: one step back, or with --resume only the interrupted down. */
  async down(target?: string, options: RunOptions = {}): Promise<RunResult> {
    const history = this.history();
    return this.session(history, !options.dryRun, async (s) => {
      const resumed = this.resumeOrRefuse(s, 'down', options);
      // `down --resume` alone finishes the interrupted down and nothing more.
      const only = target === undefined && options.resume;
      const rest = only ? [] : planDown(s.graph, s.appliedSet, target ?? '-1');
      const result = await this.execute(s, [...resumed, ...rest], options);
      return result.steps.length > 0 ? result : { ...result, note: nothingToRevert(s.graph, s.appliedSet, only ? undefined : (target ?? '-1')) };
    });
  }

  /** Down one step and up again: re-runs the newest applied revision. */
  async redo(options: RunOptions = {}): Promise<RunResult> {
    const history = this.history();
    return this.session(history, !options.dryRun, async (s) => {
      this.checkDrift(s);
      refuseDirty(s.dirty, 'redo');
      const down = planDown(s.graph, s.appliedSet, '-1');
      const up = down.map((d): PlannedStep => ({ revision: d.revision, direction: 'up' }));
      return this.execute(s, [...down, ...up], options);
    });
  }

  /** Dirty revisions stop the command, unless --resume continues them (in this direction). */
  private resumeOrRefuse(s: Session, direction: 'up' | 'down', options: RunOptions): PlannedStep[] {
    if (!options.resume) {
      refuseDirty(s.dirty, direction);
      return [];
    }
    return resumeSteps(s.dirty, direction, (revisions) => s.graph.sort(revisions));
  }

  /**
   * Opens a session: under the advisory lock (when `write`), reads the applied set only once the
   * lock is held, so a runner that waited sees what the winner applied.
   */
  async session<T>(history: History, write: boolean, fn: (s: Session) => Promise<T>): Promise<T> {
    const load = async (): Promise<Session> => {
      // Writing commands create the tables, or upgrade a version table from an older pgstrata.
      const marks = (await this.store.readMarks({ ensure: write })) ?? [];
      const { applied: done, dirty: stopped } = splitRows(marks);
      // Whole rows only when something stopped part-way (their journal says where) or a revision
      // has no file (its recorded parents place it in the graph): both rare.
      const orphaned = marks.some((r) => !history.migrations.has(r.revision));
      const rows = stopped.length > 0 || orphaned ? ((await this.store.readApplied()) ?? []) : [];
      const dirty = stopped.length === 0 ? [] : splitRows(rows).dirty;
      return { history, applied: done, appliedSet: new Set(done.map((r) => r.revision)), dirty, graph: graphWithApplied(history, rows) };
    };
    if (!write) return fn(await load());
    this.warnAboutEngine();
    if (!this.engine.capabilities.advisoryLocks) return fn(await load());
    await this.engine.assertSessionPinned?.();
    const lock = await acquireLock(this.engine, { key: lockKey(this.store.schema, this.store.table), timeoutMs: this.lockTimeoutMs, logger: this.logger });
    try {
      return await fn(await load());
    } finally {
      await lock.release().catch((e: Error) => this.logger.warn({ event: 'unlock-failed', error: e.message }, 'could not release the migration lock; it ends with the connection'));
    }
  }

  private warnAboutEngine(): void {
    const { advisoryLocks, transactionalDdl } = this.engine.capabilities;
    if (this.warnedAboutEngine || (advisoryLocks && transactionalDdl)) return;
    this.warnedAboutEngine = true;
    this.logger.warn(
      { event: 'engine-limits', engine: this.engine.kind, advisoryLocks, transactionalDdl },
      `${this.engine.kind}: ${advisoryLocks ? '' : 'no advisory locks, so concurrent runs are not serialised; '}${transactionalDdl ? '' : 'no transactional DDL, so a failed migration can leave part of its changes applied'}`.replace(/; $/, ''),
    );
  }

  /** Stops with DriftError when applied files changed or vanished, unless allowDrift (then warns). */
  checkDrift(s: Session): void {
    const drift = findDrift(s.history, s.applied);
    if (drift.length === 0) return;
    if (!this.allowDrift) assertNoDrift(drift);
    for (const d of drift) this.logger.warn({ event: 'drift', ...d }, `${d.file}: applied revision ${d.revision} ${d.kind === 'changed' ? 'changed since it ran' : 'has no file'} (allowed by --allow-drift)`);
  }

  private async execute(s: Session, steps: PlannedStep[], options: RunOptions): Promise<RunResult> {
    // A revision only the database knows (its file gone) has the message recorded when it ran.
    const orphan = steps.some((st) => !s.history.migrations.has(st.revision));
    const recorded = new Map(orphan ? ((await this.store.readApplied()) ?? []).map((r) => [r.revision, r.message]) : []);
    const describe = (step: PlannedStep, file: string, transactional: boolean, durationMs?: number): StepResult => ({
      revision: step.revision,
      direction: step.direction,
      message: s.history.migrations.get(step.revision)?.message ?? recorded.get(step.revision) ?? '',
      file,
      ...(durationMs === undefined ? {} : { durationMs }),
      transactional,
      ...(step.resumeFrom === undefined ? {} : { resumedAt: step.resumeFrom + 1 }),
    });
    const scripts = await prepareScripts(s.history, steps, this.store, this.logger);
    for (const [i, step] of steps.entries()) {
      if (step.resumeFrom === undefined) continue;
      const script = scripts[i]!.script();
      if ((await checkResumable(script, await this.store.storedSql(step.revision, step.direction), step.resumeFrom)) === 'edited') {
        this.logger.warn({ event: 'resume-edited', revision: step.revision }, `${script.file} changed after statement ${step.resumeFrom} since ${step.revision} stopped; continuing with the file as it is now`);
      }
    }
    if (options.dryRun) return { steps: steps.map((st, i) => describe(st, scripts[i]!.file, scripts[i]!.transactional)), dryRun: true };
    const results: StepResult[] = [];
    for (const [i, prepared] of scripts.entries()) {
      const script = prepared.script();
      const step = steps[i]!;
      const resume = step.resumeFrom === undefined ? undefined : { from: step.resumeFrom, carriedMs: step.carriedMs ?? 0 };
      const durationMs = await runStep({ engine: this.engine, logger: this.logger }, script, resume);
      const result = describe(steps[i]!, script.file, script.transactional, durationMs);
      this.logger.info({ event: script.direction === 'up' ? 'applied' : 'reverted', revision: script.revision, durationMs }, `${script.direction === 'up' ? 'applied' : 'reverted'} ${script.revision} ${result.message} (${durationMs} ms)`);
      options.onStep?.(result);
      results.push(result);
    }
    return { steps: results, dryRun: false };
  }
}

// The runner: validates the files, takes the lock, reads what is applied, plans, and runs each
// step in its own transaction. Everything the CLI does goes through here; so can an application.
import { runStep, type StepScript } from './apply.js';
import type { Engine } from './engines/engine.js';
import { SourceError, UsageError, type Problem } from './errors.js';
import type { RevisionGraph } from './graph.js';
import { assertNoDrift, fileOf, findDrift, graphWithApplied, loadHistory, type History } from './history.js';
import { acquireLock, lockKey } from './lock.js';
import { silentLogger, type Logger } from './logger.js';
import { planDown, planUp, type Step } from './plan.js';
import { readDown } from './source.js';
import { downStep, storedDownScript, upStep } from './steps.js';
import { Store, type AppliedRow } from './store.js';

export interface RunnerOptions {
  /** Folder holding up/ and down/ (default ./sql). */
  dir?: string;
  schema?: string;
  table?: string;
  /** How long to wait for another runner's lock (default 5 minutes). */
  lockTimeoutMs?: number;
  /** Run even though applied files changed or vanished. */
  allowDrift?: boolean;
  logger?: Logger;
}

export interface StepResult {
  revision: string;
  direction: 'up' | 'down';
  message: string;
  file: string;
  /** Undefined in a dry run. */
  durationMs?: number;
}

export interface RunResult {
  steps: StepResult[];
  dryRun: boolean;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Called after each step commits, e.g. to print progress. */
  onStep?: (step: StepResult) => void;
}

/** Everything a session under the lock knows. */
export interface Session {
  history: History;
  applied: AppliedRow[];
  appliedSet: Set<string>;
  graph: RevisionGraph;
}

export class Runner {
  readonly dir: string;
  readonly store: Store;
  private readonly logger: Logger;
  private readonly lockTimeoutMs: number;
  private readonly allowDrift: boolean;
  private warnedAboutEngine = false;

  constructor(readonly engine: Engine, options: RunnerOptions = {}) {
    this.dir = options.dir ?? './sql';
    this.store = new Store(engine, { schema: options.schema ?? 'public', table: options.table ?? 'pgstrata_version' });
    this.logger = options.logger ?? silentLogger;
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
      if (target === 'heads' && s.graph.heads().length > 1) {
        this.logger.warn({ event: 'multiple-heads', heads: s.graph.heads() }, `${s.graph.heads().length} heads: applying all of them; a merge revision would join them`);
      }
      const steps = planUp(s.graph, s.appliedSet, target, (r) => fileOf(history, r));
      return this.execute(s, steps, options);
    });
  }

  async down(target = '-1', options: RunOptions = {}): Promise<RunResult> {
    const history = this.history();
    return this.session(history, !options.dryRun, async (s) => this.execute(s, planDown(s.graph, s.appliedSet, target), options));
  }

  /** Down one step and up again: re-runs the newest applied revision. */
  async redo(options: RunOptions = {}): Promise<RunResult> {
    const history = this.history();
    return this.session(history, !options.dryRun, async (s) => {
      this.checkDrift(s);
      const down = planDown(s.graph, s.appliedSet, '-1');
      const up = down.map((d): Step => ({ revision: d.revision, direction: 'up' }));
      return this.execute(s, [...down, ...up], options);
    });
  }

  /**
   * Opens a session: under the advisory lock (when `write`), reads the applied set only once the
   * lock is held, so a runner that waited sees what the winner applied.
   */
  async session<T>(history: History, write: boolean, fn: (s: Session) => Promise<T>): Promise<T> {
    const load = async (): Promise<Session> => {
      let applied = await this.store.readApplied();
      if (applied === undefined && write) {
        await this.store.ensure();
        applied = [];
      }
      const rows = applied ?? [];
      return { history, applied: rows, appliedSet: new Set(rows.map((r) => r.revision)), graph: graphWithApplied(history, rows) };
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

  private checkDrift(s: Session): void {
    const drift = findDrift(s.history, s.applied);
    if (drift.length === 0) return;
    if (!this.allowDrift) assertNoDrift(drift);
    for (const d of drift) this.logger.warn({ event: 'drift', ...d }, `${d.file}: applied revision ${d.revision} ${d.kind === 'changed' ? 'changed since it ran' : 'has no file'} (allowed by --allow-drift)`);
  }

  /** Prepares every step's script before running any, so a bad down file stops the run early. */
  private async scripts(s: Session, steps: Step[]): Promise<StepScript[]> {
    const problems: Problem[] = [];
    const out: StepScript[] = [];
    for (const step of steps) {
      const m = s.history.migrations.get(step.revision);
      try {
        if (step.direction === 'up') {
          if (!m) throw new UsageError(`revision ${step.revision} has no up file in ${s.history.upDir}`);
          out.push(upStep(m, readDown(m), this.store));
          continue;
        }
        if (m?.irreversible) {
          problems.push({ file: m.upFile, message: `revision ${m.revision} is declared irreversible (down: irreversible)`, hint: `Nothing was changed. Go down no further than ${m.revision} (\`pgstrata down ${m.revision}\`).` });
          continue;
        }
        const fromFile = m ? readDown(m) : undefined;
        const stored = fromFile ? undefined : await this.store.storedDown(step.revision);
        if (!fromFile && !stored) {
          problems.push({ file: fileOf(s.history, step.revision), message: `no down SQL for ${step.revision}: its down file is gone and none was stored when it was applied` });
          continue;
        }
        if (!fromFile) this.logger.warn({ event: 'stored-down', revision: step.revision }, `${step.revision} has no down file here; using the down SQL stored when it was applied`);
        out.push(downStep(step.revision, fromFile ?? storedDownScript(step.revision, stored!), m, this.store));
      } catch (e) {
        if (e instanceof SourceError) problems.push(...e.problems);
        else throw e;
      }
    }
    if (problems.length > 0) throw new SourceError(problems, 'nothing was run');
    return out;
  }

  private async execute(s: Session, steps: Step[], options: RunOptions): Promise<RunResult> {
    const describe = (step: Step, file: string, durationMs?: number): StepResult => ({
      revision: step.revision,
      direction: step.direction,
      message: s.history.migrations.get(step.revision)?.message ?? s.applied.find((r) => r.revision === step.revision)?.message ?? '',
      file,
      ...(durationMs === undefined ? {} : { durationMs }),
    });
    const scripts = await this.scripts(s, steps);
    if (options.dryRun) return { steps: steps.map((st, i) => describe(st, scripts[i]!.file)), dryRun: true };
    const results: StepResult[] = [];
    for (const [i, script] of scripts.entries()) {
      const durationMs = await runStep({ engine: this.engine, logger: this.logger }, script);
      const result = describe(steps[i]!, script.file, durationMs);
      this.logger.info({ event: script.direction === 'up' ? 'applied' : 'reverted', revision: script.revision, durationMs }, `${script.direction === 'up' ? 'applied' : 'reverted'} ${script.revision} ${result.message} (${durationMs} ms)`);
      options.onStep?.(result);
      results.push(result);
    }
    return { steps: results, dryRun: false };
  }
}

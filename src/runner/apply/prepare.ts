// From planned steps to the scripts that run them: reads each down file (or the down SQL stored
// at apply time when the file is gone) before anything runs, so a bad down file stops the run early.
import { SourceError, UsageError, type Problem } from '../util/errors.js';
import { fileOf, type History } from '../graph/history.js';
import type { Logger } from '../util/logger.js';
import type { Step } from '../graph/plan.js';
import { readDown, type DownScript } from '../source/source.js';
import { downStep, storedDownScript, upStep, type StepScript } from './steps.js';
import type { Store } from '../store/store.js';

/**
 * A step whose files have been read and checked. Its script (the SQL with the closures that write
 * the version table around it, about 1 KB) is built only when the step runs: 10,000 pending
 * steps would otherwise hold 10 MB of them for the whole run.
 */
export interface PreparedStep extends Step {
  file: string;
  transactional: boolean;
  script(): StepScript;
}

function prepared(step: Step, file: string, transactional: boolean, script: () => StepScript): PreparedStep {
  return { revision: step.revision, direction: step.direction, file, transactional, script };
}

export async function prepareScripts(history: History, steps: Step[], store: Store, logger: Logger): Promise<PreparedStep[]> {
  const problems: Problem[] = [];
  const out: PreparedStep[] = [];
  for (const step of steps) {
    const m = history.migrations.get(step.revision);
    try {
      if (step.direction === 'up') {
        if (!m) throw new UsageError(`revision ${step.revision} has no up file in ${history.upDir}`);
        const down = readDown(m);
        out.push(prepared(step, m.upFile, m.transactional, () => upStep(m, down, store)));
        continue;
      }
      if (m?.irreversible) {
        problems.push(irreversible(m.upFile, m.revision, 'is declared irreversible (down: irreversible)'));
        continue;
      }
      const fromFile = m ? readDown(m) : undefined;
      const stored = fromFile ? undefined : await store.storedDown(step.revision);
      if (!fromFile && !stored) {
        problems.push({ file: fileOf(history, step.revision), message: `no down SQL for ${step.revision}: its down file is gone and none was stored when it was applied` });
        continue;
      }
      if (!fromFile) logger.warn({ event: 'stored-down', revision: step.revision }, `${step.revision} has no down file here; using the down SQL stored when it was applied`);
      const down = fromFile ?? storedDownScript(step.revision, stored!);
      // A merge's down is empty by nature; any other empty down must say what it means.
      const refusal = m && m.parents.length >= 2 ? undefined : emptyDownRefusal(step.revision, down);
      if (refusal) {
        problems.push(refusal);
        continue;
      }
      out.push(prepared(step, down.file, down.transactional, () => downStep(step.revision, down, m, store)));
    } catch (e) {
      if (e instanceof SourceError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new SourceError(problems, 'nothing was run');
  return out;
}

function irreversible(file: string, revision: string, why: string): Problem {
  return { file, message: `revision ${revision} ${why}`, hint: `Nothing was changed. Go down no further than ${revision} (\`pgstrata down ${revision}\`).` };
}

/** Why `down` must not run through an empty down file, or undefined when it may (`-- no-op`). */
function emptyDownRefusal(revision: string, down: DownScript): Problem | undefined {
  if (down.empty === 'irreversible') {
    return irreversible(down.file, revision, 'is irreversible (its down file says `-- irreversible`)');
  }
  if (down.empty === 'unmarked') {
    return {
      code: 'empty-down',
      file: down.file,
      message: `the down file of ${revision} has no SQL statement, so reverting ${revision} would undo nothing`,
      hint: 'Nothing was changed. Write the reverse SQL there; or add a line `-- no-op` if the change needs no undoing, or `-- irreversible` if it cannot be undone.',
    };
  }
  return undefined;
}

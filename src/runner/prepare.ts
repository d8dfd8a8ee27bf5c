// From planned steps to the scripts that run them: reads each down file (or the down SQL stored
// at apply time when the file is gone) before anything runs, so a bad down file stops the run early.
import { SourceError, UsageError, type Problem } from './errors.js';
import { fileOf, type History } from './history.js';
import type { Logger } from './logger.js';
import type { Step } from './plan.js';
import { readDown } from './source.js';
import { downStep, storedDownScript, upStep, type StepScript } from './steps.js';
import type { Store } from './store.js';

export async function prepareScripts(history: History, steps: Step[], store: Store, logger: Logger): Promise<StepScript[]> {
  const problems: Problem[] = [];
  const out: StepScript[] = [];
  for (const step of steps) {
    const m = history.migrations.get(step.revision);
    try {
      if (step.direction === 'up') {
        if (!m) throw new UsageError(`revision ${step.revision} has no up file in ${history.upDir}`);
        out.push(upStep(m, readDown(m), store));
        continue;
      }
      if (m?.irreversible) {
        problems.push({ file: m.upFile, message: `revision ${m.revision} is declared irreversible (down: irreversible)`, hint: `Nothing was changed. Go down no further than ${m.revision} (\`pgstrata down ${m.revision}\`).` });
        continue;
      }
      const fromFile = m ? readDown(m) : undefined;
      const stored = fromFile ? undefined : await store.storedDown(step.revision);
      if (!fromFile && !stored) {
        problems.push({ file: fileOf(history, step.revision), message: `no down SQL for ${step.revision}: its down file is gone and none was stored when it was applied` });
        continue;
      }
      if (!fromFile) logger.warn({ event: 'stored-down', revision: step.revision }, `${step.revision} has no down file here; using the down SQL stored when it was applied`);
      out.push(downStep(step.revision, fromFile ?? storedDownScript(step.revision, stored!), m, store));
    } catch (e) {
      if (e instanceof SourceError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new SourceError(problems, 'nothing was run');
  return out;
}

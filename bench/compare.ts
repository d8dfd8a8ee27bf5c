// `make bench`: pgstrata against the floor and the tools users would pick instead, in one run.
// Usage: node dist/bench/compare.js [apply] [noop] [cold] [plan] [memory]   (default: all)
// Prints markdown for docs/benchmarks.md; progress goes to stderr. BENCH_APPLY_ROUNDS (default 7)
// and BENCH_ONLY=floor,pgstrata adjust the apply section.
import { cpus, loadavg } from 'node:os';
import { applyBench } from './apply.js';
import { coldBench } from './cold.js';
import { memoryBench } from './memory.js';
import { noopBench } from './noop.js';
import { planBench } from './plan.js';

const all = ['apply', 'noop', 'cold', 'plan', 'memory'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
const started = new Date();
console.log(`# pgstrata benchmark run, ${started.toISOString()}\n\nCommand: \`node dist/bench/compare.js ${chosen.join(' ')}\` (\`make bench\` runs all). nproc ${cpus().length}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}.\n`);
for (const section of chosen) {
  if (section === 'apply') console.log(`${await applyBench(1000, Number(process.env.BENCH_APPLY_ROUNDS ?? 7))}\n`);
  else if (section === 'noop') console.log(`${await noopBench(1000, 7)}\n\n${await noopBench(10_000, 7, true)}\n`);
  else if (section === 'cold') console.log(`${await coldBench(20)}\n`);
  else if (section === 'plan') console.log(`${planBench()}\n`);
  else if (section === 'memory') console.log(`${await memoryBench()}\n`);
  else throw new Error(`unknown section ${section}; choose from ${all.join(', ')}`);
}
console.log(`Finished ${new Date().toISOString()}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`);

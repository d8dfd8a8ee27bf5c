// Times a few commands against each other, interleaved and rotated, for before/after records.
// Usage: node dist/bench/interleave.js <rounds> '<label>=<command line>' ...   (split on spaces)
import { report, rotated, timeProcess, type Series } from './lib.js';

const [roundsArg, ...specs] = process.argv.slice(2);
const cases = specs.map((s) => {
  const at = s.indexOf('=');
  const [cmd, ...args] = s.slice(at + 1).split(' ').filter(Boolean);
  return { name: s.slice(0, at), cmd: cmd!, args };
});
const series: Series[] = cases.map((c) => ({ name: c.name, samples: [] }));
for (let round = 0; round < Number(roundsArg); round++) {
  for (const c of rotated(cases, round)) series.find((s) => s.name === c.name)!.samples.push(timeProcess(c.cmd, c.args));
}
console.log(report(`${cases.map((c) => c.name).join(' vs ')} (${roundsArg} interleaved rounds)`, series, cases[0]!.name));

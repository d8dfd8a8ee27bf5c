// Shared measuring helpers: interleaved runs on fresh databases, medians, pairwise ratios,
// and what the machine was doing (docs/benchmarks.md explains why each matters).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function machine(): string {
  return `nproc ${cpus().length}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`;
}

/** Wall time of a child process in ms; fails loudly if it fails. */
export function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export interface Series {
  name: string;
  samples: number[];
}

export function report(title: string, series: Series[], baseline: string): string {
  const base = series.find((s) => s.name === baseline)!;
  const lines = [`## ${title}`, '', `${machine()}`, '', '| runner | median ms | min | max | ratio to ' + baseline + ' (median of pairs) | ratio min | ratio max |', '|---|---|---|---|---|---|---|'];
  for (const s of series) {
    const ratios = s.samples.map((x, i) => x / base.samples[i]!);
    lines.push(`| ${s.name} | ${median(s.samples).toFixed(0)} | ${Math.min(...s.samples).toFixed(0)} | ${Math.max(...s.samples).toFixed(0)} | ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(3)} | ${Math.max(...ratios).toFixed(3)} |`);
  }
  return lines.join('\n');
}

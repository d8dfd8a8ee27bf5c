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

/** Wall time of a child process in ms; fails loudly if it fails. Output is discarded, not buffered. */
export function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): number {
  const start = performance.now();
  const r = spawnSync(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.slice(-2000) ?? r.error}`);
  return ms;
}

/** Peak resident set of a child process in MB, from GNU time. */
export function peakRssMb(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return kb / 1024;
}

export interface Series {
  name: string;
  samples: number[];
}

/** A markdown table: medians, spread, and each series' median pairwise ratio to the baseline. */
export function report(title: string, series: Series[], baseline?: string): string {
  const base = baseline ? series.find((s) => s.name === baseline) : undefined;
  const head = base ? ` ratio to ${baseline} (median of pairs) | ratio min | ratio max |` : '';
  const lines = [`### ${title}`, '', `${machine()}`, '', `| runner | median ms | min | max | runs |${head}`, `|---|---|---|---|---|${base ? '---|---|---|' : ''}`];
  for (const s of series) {
    let row = `| ${s.name} | ${median(s.samples).toFixed(0)} | ${Math.min(...s.samples).toFixed(0)} | ${Math.max(...s.samples).toFixed(0)} | ${s.samples.length} |`;
    if (base) {
      const ratios = s.samples.map((x, i) => x / base.samples[i]!);
      row += ` ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(3)} | ${Math.max(...ratios).toFixed(3)} |`;
    }
    lines.push(row);
  }
  return lines.join('\n');
}

/** Rotates the order each round, so drift in the machine favours no one. */
export function rotated<T>(xs: T[], round: number): T[] {
  const k = round % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

import { UsageError } from '../runner/util/errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "5m", "30s", "250ms", "1h"; a bare number means seconds. */
export function parseDuration(option: string, text: string | number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/.exec(String(text));
  if (!m) throw new UsageError(`--${option} "${text}" is not a duration: write e.g. 30s, 5m, 250ms or 1h`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}

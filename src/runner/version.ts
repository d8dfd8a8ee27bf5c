import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** pgstrata's own version, recorded with every applied revision. */
export function pgstrataVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}

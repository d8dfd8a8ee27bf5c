import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * pgstrata's own version, recorded with every applied revision: from the nearest package.json
 * named pgstrata above this module, wherever the build put it (dist/src/runner or the dist/bin bundle).
 */
export function pgstrataVersion(): string {
  if (cached) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'pgstrata') return (cached = pkg.version);
    } catch {
      // no package.json here: keep climbing
    }
    if (dirname(dir) === dir) return (cached = 'unknown');
  }
}

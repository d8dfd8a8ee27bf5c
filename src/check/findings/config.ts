// Rule levels from configuration: `"rules": {"require-lock-timeout": "off"}` in pgstrata.json,
// `--rules.<id> <level>` on the command line, or PGSTRATA_RULES='{"…": "warn"}' (or 'id=level,…').
import { UsageError } from '../../runner/util/errors.js';
import { RULES, isRule, ruleInfo } from './catalog.js';
import type { Finding, Severity } from './findings.js';

export type Level = Severity | 'off';

const LEVELS: Record<string, Level> = { error: 'error', warning: 'warning', warn: 'warning', off: 'off' };

function entries(raw: unknown): [string, unknown][] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw === 'object' && !Array.isArray(raw)) return Object.entries(raw as Record<string, unknown>);
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('{')) {
      try {
        return entries(JSON.parse(text));
      } catch (e) {
        throw new UsageError(`rules: not valid JSON (${(e as Error).message}); write e.g. {"require-lock-timeout": "off"}, or require-lock-timeout=off,drop-table=warn`);
      }
    }
    return text.split(',').map((pair) => {
      const [id, level] = pair.split('=').map((s) => s.trim());
      return [id ?? '', level];
    });
  }
  throw new UsageError('rules must be an object such as {"require-lock-timeout": "off"}');
}

/** Validates configured levels; an unknown rule or level is a usage error (exit 2), not silence. */
export function parseRuleLevels(raw: unknown): Map<string, Level> {
  const levels = new Map<string, Level>();
  for (const [id, value] of entries(raw)) {
    // yargs adds a camelCase twin of every dashed key; rule ids are lower-case kebab.
    if (/[A-Z]/.test(id)) continue;
    if (!isRule(id)) {
      throw new UsageError(`rules: unknown rule "${id}"; the rules are: ${RULES.map((r) => r.id).join(', ')}`);
    }
    const level = typeof value === 'string' ? LEVELS[value.toLowerCase()] : undefined;
    if (!level) throw new UsageError(`rules: "${id}": "${String(value)}" is not a level; use error, warn or off`);
    const info = ruleInfo(id);
    if (info.fixed && level !== 'error') {
      throw new UsageError(`rules: "${id}" cannot be turned ${level === 'off' ? 'off' : 'down'}: it catches what pgstrata or PostgreSQL refuses to run anyway (${info.catches.replace(/\.$/, '')}); remove it from the rules and fix the file`);
    }
    levels.set(id, level);
  }
  return levels;
}

/**
 * Gives each finding its configured severity, drops the rules turned off, and with `strict`
 * counts every warning as an error.
 */
export function applyLevels(findings: Finding[], levels: Map<string, Level>, strict: boolean): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const level = levels.get(f.rule) ?? f.severity;
    if (level === 'off') continue;
    out.push({ ...f, severity: strict ? 'error' : level });
  }
  return out;
}

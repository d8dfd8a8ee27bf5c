// Turning what the user typed (`head`, `base`, `+2`, `d3ea`) into revisions. Pure.
import { UsageError } from '../util/errors.js';
import type { RevisionGraph } from './graph.js';

export type TargetSpec =
  | { kind: 'head' }
  | { kind: 'heads' }
  | { kind: 'base' }
  | { kind: 'relative'; steps: number }
  | { kind: 'revision'; revision: string };

const RELATIVE = /^([+-])(\d+)$/;

/** Parses a target and resolves a revision id or unique prefix against the graph. */
export function parseTarget(graph: RevisionGraph, text: string): TargetSpec {
  const spec = text.trim();
  if (spec === 'head' || spec === 'heads' || spec === 'base') return { kind: spec };
  const rel = RELATIVE.exec(spec);
  if (rel) {
    const n = Number(rel[2]);
    if (n === 0) throw new UsageError(`target ${spec}: the step count must be at least 1`);
    return { kind: 'relative', steps: rel[1] === '+' ? n : -n };
  }
  return { kind: 'revision', revision: resolveRevision(graph, spec) };
}

/** The single head, or a UsageError naming them all. */
export function singleHead(graph: RevisionGraph): string[] {
  const heads = graph.heads();
  if (heads.length > 1) {
    throw new UsageError(`there are ${heads.length} heads (${heads.join(', ')}): name one, or use "heads" for all of them`);
  }
  return heads;
}

/**
 * What a database standing at `spec` has applied: the target revision(s) and every ancestor,
 * nothing for base. For `stamp` and `--from`, which take a position, not a step.
 */
export function appliedAt(graph: RevisionGraph, spec: TargetSpec, what: string): Set<string> {
  if (spec.kind === 'relative') throw new UsageError(`${what} takes a revision, head, heads or base, not a relative step`);
  if (spec.kind === 'base') return new Set();
  const targets = spec.kind === 'revision' ? [spec.revision] : spec.kind === 'head' ? singleHead(graph) : graph.heads();
  const at = graph.ancestors(targets);
  for (const t of targets) at.add(t);
  return at;
}

/** A full revision id or a prefix that matches exactly one revision. */
export function resolveRevision(graph: RevisionGraph, text: string): string {
  if (graph.has(text)) return text;
  if (!/^[0-9A-Za-z]+$/.test(text)) {
    throw new UsageError(`"${text}" is not a target: use head, heads, base, +N, -N, or a revision id or prefix`);
  }
  const candidates = graph.order.filter((r) => r.startsWith(text));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new UsageError(`no revision matches "${text}"; see \`pgstrata history\` for the ids`);
  }
  const shown = candidates.slice(0, 10).join(', ') + (candidates.length > 10 ? `, … (${candidates.length} in all)` : '');
  throw new UsageError(`"${text}" is ambiguous: it matches ${shown}; type more of the id`);
}

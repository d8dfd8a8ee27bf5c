// `pgstrata graph --format dot`: Graphviz, oldest at the top (`dot -Tsvg graph.dot > graph.svg`).
import { kindOf, type PictureInput } from './picture.js';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function dot(p: PictureInput): string {
  const lines = ['digraph pgstrata {', '  rankdir=TB;', '  node [shape=box, style="rounded", fontname="Helvetica"];'];
  for (const r of p.graph.order) {
    const k = kindOf(p, r);
    const attrs = [`label=${quote(`${r}\n${p.message(r)}${k.head ? '\n(head)' : ''}`)}`];
    if (k.merge) attrs.push('shape=hexagon');
    if (k.head) attrs.push('peripheries=2');
    if (k.state === 'applied') attrs.push('style="rounded,filled"', 'fillcolor="#d7f0dc"');
    if (k.state === 'dirty') attrs.push('style="rounded,filled"', 'fillcolor="#fbd9d9"');
    lines.push(`  ${quote(r)} [${attrs.join(', ')}];`);
  }
  for (const r of p.graph.order) for (const parent of p.graph.parents(r)) lines.push(`  ${quote(parent)} -> ${quote(r)};`);
  lines.push('}');
  return lines.join('\n');
}

// `pgstrata graph --format mermaid`: a flowchart, oldest at the top, ready to paste into a
// Markdown file (GitHub and GitLab render ```mermaid blocks).
import { kindOf, type PictureInput } from './picture.js';

/**
 * Mermaid's entity codes keep quotes and angle brackets from ending the label. `#` starts an
 * entity code itself (`#1;` would become a character), so it is escaped first, as `#35;`.
 */
export function label(text: string): string {
  return text.replace(/#/g, '#35;').replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

const id = (r: string) => `r_${r}`;

export function mermaid(p: PictureInput): string {
  const lines = ['flowchart TD'];
  const classes: Record<string, string[]> = { head: [], merge: [], applied: [], dirty: [] };
  for (const r of p.graph.order) {
    const k = kindOf(p, r);
    const text = `"${label(r)}<br/>${label(p.message(r))}${k.head ? '<br/><i>head</i>' : ''}"`;
    // A merge is a hexagon, a head a stadium, any other revision a rounded box.
    lines.push(`  ${id(r)}${k.merge ? `{{${text}}}` : k.head ? `([${text}])` : `(${text})`}`);
    if (k.head) classes.head!.push(id(r));
    if (k.merge) classes.merge!.push(id(r));
    if (k.state === 'applied') classes.applied!.push(id(r));
    if (k.state === 'dirty') classes.dirty!.push(id(r));
  }
  for (const r of p.graph.order) for (const parent of p.graph.parents(r)) lines.push(`  ${id(parent)} --> ${id(r)}`);
  lines.push(
    '  classDef head stroke-width:3px',
    '  classDef merge fill:#eef3ff',
    '  classDef applied fill:#d7f0dc,stroke:#2e7d32',
    '  classDef dirty fill:#fbd9d9,stroke:#c62828',
  );
  for (const [name, members] of Object.entries(classes)) if (members.length > 0) lines.push(`  class ${members.join(',')} ${name}`);
  return lines.join('\n');
}

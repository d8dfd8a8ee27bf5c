// A generated history for the check benchmarks: each revision creates a table that references
// the previous one, indexes it, and adds a column to the previous table, with an exact down.
import type { MigrationSpec } from '../test/helpers/migrations.js';
import { median } from './lib.js';

export function generatedHistory(n: number): MigrationSpec[] {
  const id = (i: number) => `b${String(i).padStart(6, '0')}`;
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const ref = i > 1 ? `,\n    parent_id bigint REFERENCES t_${i - 1} (id)` : '';
    const alter = i > 1 ? `\nALTER TABLE t_${i - 1} ADD COLUMN note_${i} text;` : '';
    const undo = i > 1 ? `ALTER TABLE t_${i - 1} DROP COLUMN note_${i};\n` : '';
    return {
      revision: id(i),
      parents: i > 1 ? [id(i - 1)] : [],
      message: `table ${i}`,
      header: ['lock_timeout: 5s'],
      up: `CREATE TABLE t_${i} (\n    id bigint PRIMARY KEY,\n    name text NOT NULL,\n    created_at timestamptz NOT NULL DEFAULT now()${ref}\n);\nCREATE INDEX t_${i}_name ON t_${i} (name);${alter}`,
      down: `${undo}DROP TABLE t_${i};`,
    };
  });
}

/** `median (min–max, n runs)`. */
export function spread(xs: number[], unit: string, digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(xs))} ${unit} (min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))}, ${xs.length} runs)`;
}

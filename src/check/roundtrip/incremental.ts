// Snapshots that re-read only the relations a step touched. Reading the whole schema costs in
// proportion to its size (every column, constraint and index deparsed), so a round trip that
// takes two snapshots per revision would grow with the square of the history's length.
//
// Every catalog row a DDL statement inserts or updates carries that transaction's id in xmin. So
// the relations whose objects may have changed since the last snapshot are those with a catalog
// row newer than it — their pg_class row or an index's, a column, default, constraint, trigger,
// rewrite rule or sequence — and those whose definitions name a relation, column, type or
// function that is (a foreign key to a renamed table, a column of a renamed type). A row that was
// deleted leaves no trace, so each relation's count of indexes, defaults, constraints, triggers
// and rules is compared too. The other relations' rows from the last snapshot are used again.
// Objects that belong to no relation (schemas, extensions, types, functions) are read every time.
import type { Engine } from '../../runner/engines/engine.js';
import { toDbError } from '../../runner/apply/pgerror.js';
import { quoteLiteral } from '../../runner/util/sqlstring.js';
import { build, type Row, type Snapshot, type Snapshotter } from './snapshot.js';

// $1: the schema to leave out, inlined; $2: the mark, the next transaction id (mod 2^32) when
// the last snapshot was read. A row is newer when its age is at most the mark's.
const CHANGES = `
WITH ns AS (
  SELECT oid, CASE WHEN nspname = current_schema() THEN '' ELSE nspname || '.' END AS prefix
  FROM pg_catalog.pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', $1)
    AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
),
ext AS (
  SELECT d.objid FROM pg_catalog.pg_depend d
  WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
    AND d.refobjid IN (SELECT oid FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql')
),
owned AS (
  SELECT d.objid AS seq, d.refobjid AS owner FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
),
unit AS (
  SELECT c.oid, ns.prefix || c.relname AS name
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.oid NOT IN (SELECT objid FROM ext)
    AND c.oid NOT IN (SELECT seq FROM owned)
),
-- the relations read with a unit: itself, its indexes, the sequences it owns
member AS (
  SELECT u.oid AS unit, u.oid AS rel FROM unit u
  UNION ALL SELECT i.indrelid, i.indexrelid FROM pg_catalog.pg_index i JOIN unit u ON u.oid = i.indrelid
  UNION ALL SELECT o.owner, o.seq FROM owned o JOIN unit u ON u.oid = o.owner
),
children AS (
  SELECT rel, count(*) AS n FROM (
    SELECT indrelid AS rel FROM pg_catalog.pg_index
    UNION ALL SELECT adrelid FROM pg_catalog.pg_attrdef
    UNION ALL SELECT conrelid FROM pg_catalog.pg_constraint WHERE conrelid <> 0
    UNION ALL SELECT tgrelid FROM pg_catalog.pg_trigger
    UNION ALL SELECT ev_class FROM pg_catalog.pg_rewrite
  ) x GROUP BY rel
),
mark AS (SELECT pg_catalog.age($2::xid) AS age),
new_class AS (SELECT c.oid FROM pg_catalog.pg_class c, mark WHERE pg_catalog.age(c.xmin) <= mark.age),
new_column AS (SELECT DISTINCT a.attrelid AS oid FROM pg_catalog.pg_attribute a, mark WHERE pg_catalog.age(a.xmin) <= mark.age),
new_object AS (
  SELECT t.oid, 'pg_catalog.pg_type'::regclass AS catalog FROM pg_catalog.pg_type t, mark WHERE pg_catalog.age(t.xmin) <= mark.age
  UNION ALL SELECT p.oid, 'pg_catalog.pg_proc'::regclass FROM pg_catalog.pg_proc p, mark WHERE pg_catalog.age(p.xmin) <= mark.age
  UNION ALL SELECT oid, 'pg_catalog.pg_class'::regclass FROM new_class
  UNION ALL SELECT oid, 'pg_catalog.pg_class'::regclass FROM new_column
),
touched AS (
  SELECT oid AS rel FROM new_class
  UNION SELECT oid FROM new_column
  UNION SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad, mark WHERE pg_catalog.age(ad.xmin) <= mark.age
  UNION SELECT k.conrelid FROM pg_catalog.pg_constraint k, mark WHERE pg_catalog.age(k.xmin) <= mark.age AND k.conrelid <> 0
  UNION SELECT i.indrelid FROM pg_catalog.pg_index i, mark WHERE pg_catalog.age(i.xmin) <= mark.age
  UNION SELECT tg.tgrelid FROM pg_catalog.pg_trigger tg, mark WHERE pg_catalog.age(tg.xmin) <= mark.age
  UNION SELECT r.ev_class FROM pg_catalog.pg_rewrite r, mark WHERE pg_catalog.age(r.xmin) <= mark.age
  UNION SELECT s.seqrelid FROM pg_catalog.pg_sequence s, mark WHERE pg_catalog.age(s.xmin) <= mark.age
  -- what names a changed relation, column, type or function: a foreign key, a view, a default, a column's type, a trigger
  UNION SELECT CASE d.classid
           WHEN 'pg_catalog.pg_class'::regclass THEN d.objid
           WHEN 'pg_catalog.pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_catalog.pg_attrdef WHERE oid = d.objid)
           WHEN 'pg_catalog.pg_constraint'::regclass THEN (SELECT conrelid FROM pg_catalog.pg_constraint WHERE oid = d.objid)
           WHEN 'pg_catalog.pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_catalog.pg_trigger WHERE oid = d.objid)
           WHEN 'pg_catalog.pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_catalog.pg_rewrite WHERE oid = d.objid)
         END
  FROM pg_catalog.pg_depend d JOIN new_object o ON o.catalog = d.refclassid AND o.oid = d.refobjid
)
SELECT pg_catalog.json_build_object(
  'units', (SELECT pg_catalog.json_agg(json_build_array(u.oid, u.name, m.children, m.members))
            FROM unit u JOIN (SELECT m.unit, array_agg(m.rel) AS members, coalesce(sum(ch.n), 0) AS children
                              FROM member m LEFT JOIN children ch ON ch.rel = m.rel GROUP BY m.unit) m ON m.unit = u.oid),
  'touched', (SELECT pg_catalog.json_agg(DISTINCT m.unit) FROM touched t JOIN member m ON m.rel = t.rel),
  'mark', (pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::numeric % 4294967296)::text
) AS changes
`;

type Unit = [oid: number, name: string, children: number, members: number[]];

interface Changes {
  units: Unit[] | null;
  touched: number[] | null;
  mark: string;
}

/** The relation a snapshot row belongs to, by name: a relation's own row, or its child's parent. */
const relationOf = (row: Row): string => (row[0] === 'column' || row[0] === 'constraint' || row[0] === 'index' || row[0] === 'trigger' || (row[0] === 'sequence' && row[2] !== null) ? row[2]! : row[1]);

interface Known {
  name: string;
  children: number;
  rows: Row[];
}

export class IncrementalSnapshots {
  private static counter = 0;
  private readonly statement = `pgstrata_changes_${process.pid}_${IncrementalSnapshots.counter++}`;
  private prepared = false;
  private readonly query: string;
  private last = new Map<number, Known>();
  /** FrozenTransactionId, older than any row: the first read sees every row as new. */
  private mark = '2';

  constructor(private readonly engine: Engine, exclude: string, private readonly snapshots: Snapshotter) {
    this.query = CHANGES.replace('$1', quoteLiteral(exclude));
  }

  async take(): Promise<Snapshot> {
    const changes = await this.changes();
    const units = changes.units ?? [];
    const touched = new Set(changes.touched ?? []);
    const changed = units.filter(([oid, name, children]) => {
      const seen = this.last.get(oid);
      return touched.has(oid) || seen === undefined || seen.name !== name || seen.children !== Number(children);
    });
    // Nothing known yet, or most of it changed (a reset): one full read is cheaper.
    const full = this.last.size === 0 || changed.length > units.length / 2;
    const rows = await this.snapshots.rows(full ? undefined : changed.flatMap((u) => u[3]));
    const byName = new Map<string, Row[]>();
    const unowned: Row[] = [];
    const names = new Set(units.map((u) => u[1]));
    for (const row of rows) {
      const relation = relationOf(row);
      if (!names.has(relation)) {
        unowned.push(row);
        continue;
      }
      const list = byName.get(relation);
      if (list) list.push(row);
      else byName.set(relation, [row]);
    }
    const reread = new Set((full ? units : changed).map((u) => u[0]));
    const next = new Map<number, Known>();
    for (const [oid, name, children] of units) {
      next.set(oid, { name, children: Number(children), rows: reread.has(oid) ? (byName.get(name) ?? []) : this.last.get(oid)!.rows });
    }
    this.last = next;
    this.mark = changes.mark;
    return build([...unowned, ...[...next.values()].flatMap((u) => u.rows)]);
  }

  /** Prepared, like the snapshot: planning this query costs about as much as running it. */
  private async changes(): Promise<Changes> {
    if (!this.prepared) {
      await this.engine.exec(`PREPARE ${this.statement}(xid) AS ${this.query.replace('$2', '$1')}`);
      this.prepared = true;
    }
    try {
      const [result] = await this.engine.query<{ changes: Changes | string }>(`EXECUTE ${this.statement}(${quoteLiteral(this.mark)})`);
      return typeof result!.changes === 'string' ? (JSON.parse(result!.changes) as Changes) : result!.changes;
    } catch (e) {
      // A migration that ran DISCARD ALL or DEALLOCATE ALL took the statement away.
      if (toDbError(e).sqlstate !== '26000') throw e;
      this.prepared = false;
      return this.changes();
    }
  }

  async close(): Promise<void> {
    if (this.prepared) await this.engine.exec(`DEALLOCATE ${this.statement}`).catch(() => {});
    this.prepared = false;
  }
}

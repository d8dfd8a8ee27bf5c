// Which tables and indexes exist at a point of the history, and which revision's up created each
// table: the origin messages name, and what IF EXISTS statements test. Followed like column types
// (columnstate.ts): a file starts from the state its revision's parents left and advances it one
// statement at a time; renames and SET SCHEMA move an entry, drops mark it gone.
import type { Name } from './ast.js';

/**
 * A table that exists: the revisions whose ups created it (several after merging branches that
 * each did; none when it came from outside the history, e.g. renamed from such a table).
 * null: the history dropped it.
 */
export type Origin = readonly string[] | null;

/** Layers before a map is flattened, so that lookups stay short. */
const MAX_DEPTH = 32;

/** An immutable map shared between revisions: each layer holds only what one file changed. */
class Layers<V> {
  static empty<V>(): Layers<V> {
    return new Layers<V>(undefined, new Map(), 0);
  }

  private constructor(
    private readonly base: Layers<V> | undefined,
    private readonly own: ReadonlyMap<string, V>,
    private readonly depth: number,
  ) {}

  get(key: string): V | undefined {
    for (let l: Layers<V> | undefined = this; l; l = l.base) {
      const v = l.own.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  entries(): Map<string, V> {
    const layers: Layers<V>[] = [];
    for (let l: Layers<V> | undefined = this; l; l = l.base) layers.push(l);
    const out = new Map<string, V>();
    for (const l of layers.reverse()) for (const [k, v] of l.own) out.set(k, v);
    return out;
  }

  with(changes: ReadonlyMap<string, V>): Layers<V> {
    if (changes.size === 0) return this;
    if (this.depth + 1 < MAX_DEPTH) return new Layers(this, new Map(changes), this.depth + 1);
    const flat = this.entries();
    for (const [k, v] of changes) flat.set(k, v);
    return new Layers(undefined, flat, 0);
  }

  static flat<V>(entries: Map<string, V>): Layers<V> {
    return new Layers(undefined, entries, 0);
  }
}

export class OriginState {
  static readonly EMPTY = new OriginState(Layers.empty(), Layers.empty());

  /** `indexes`: index key -> its table (null: dropped). */
  private constructor(
    private readonly tables: Layers<Origin>,
    private readonly indexes: Layers<Name | null>,
  ) {}

  /** undefined: the history never mentioned the table. */
  table(key: string): Origin | undefined {
    return this.tables.get(key);
  }

  /** The table of an index (null: the index was dropped). */
  index(key: string): Name | null | undefined {
    return this.indexes.get(key);
  }

  /** Every index the history made, with its table. */
  allIndexes(): Map<string, Name | null> {
    return this.indexes.entries();
  }

  with(tables: ReadonlyMap<string, Origin>, indexes: ReadonlyMap<string, Name | null>): OriginState {
    if (tables.size === 0 && indexes.size === 0) return this;
    return new OriginState(this.tables.with(tables), this.indexes.with(indexes));
  }

  /**
   * After a merge revision: a table exists when any branch has it, created by every revision
   * that made it on one of them. (A table one branch dropped and another kept counts as
   * existing: the rules would rather speak than miss a table with rows.)
   */
  static merge(parents: readonly OriginState[]): OriginState {
    const distinct = [...new Set(parents)];
    if (distinct.length === 0) return OriginState.EMPTY;
    if (distinct.length === 1) return distinct[0]!;
    const tables = new Map<string, Origin>();
    const indexes = new Map<string, Name | null>();
    for (const p of distinct) {
      for (const [k, v] of p.tables.entries()) {
        const seen = tables.get(k);
        if (v === null) {
          if (seen === undefined) tables.set(k, null);
        } else tables.set(k, [...new Set([...(seen ?? []), ...v])]);
      }
      for (const [k, v] of p.indexes.entries()) if (v !== null || !indexes.has(k)) indexes.set(k, v);
    }
    return new OriginState(Layers.flat(tables), Layers.flat(indexes));
  }
}

/** The origins advanced one statement at a time through the file of one revision. */
export class OriginTracker {
  private readonly tables = new Map<string, Origin>();
  private readonly indexes = new Map<string, Name | null>();

  constructor(
    private readonly base: OriginState,
    private readonly revision: string,
  ) {}

  /** undefined: the history never mentioned the table. */
  origin(table: Name): Origin | undefined {
    return this.tables.has(table.key) ? this.tables.get(table.key) : this.base.table(table.key);
  }

  /** The history shows the table existing here (created by it, or renamed from a table that existed). */
  exists(table: Name): boolean {
    return this.origin(table) != null;
  }

  tableOfIndex(index: Name): Name | undefined {
    return (this.indexes.has(index.key) ? this.indexes.get(index.key) : this.base.index(index.key)) ?? undefined;
  }

  created(table: Name): void {
    this.tables.set(table.key, [this.revision]);
  }

  dropped(table: Name): void {
    this.tables.set(table.key, null);
  }

  /** A rename or SET SCHEMA: same table, same creator; its indexes follow it. */
  moved(from: Name, to: Name): void {
    this.tables.set(to.key, this.origin(from) ?? []);
    this.tables.set(from.key, null);
    const all = this.base.allIndexes();
    for (const [k, v] of this.indexes) all.set(k, v);
    for (const [index, table] of all) if (table?.key === from.key) this.indexes.set(index, to);
  }

  indexCreated(index: Name, table: Name): void {
    this.indexes.set(index.key, table);
  }

  indexDropped(index: Name): void {
    this.indexes.set(index.key, null);
  }

  indexMoved(from: Name, to: Name): void {
    const table = this.tableOfIndex(from);
    this.indexes.set(from.key, null);
    if (table) this.indexes.set(to.key, table);
  }

  state(): OriginState {
    return this.base.with(this.tables, this.indexes);
  }
}

/** An origin as messages say it. */
export function originText(origin: Origin | undefined): string {
  return origin && origin.length > 0 ? `created by ${origin.join(' or ')}` : 'not created by this history';
}

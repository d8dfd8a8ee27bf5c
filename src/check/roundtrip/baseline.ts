// The state a round trip's scratch database started in, and the way back to it. After a down
// that left the schema unlike the history (or a step that stopped half-way), the round trip
// resets the database to this state and replays the ups applied so far, so that the revisions
// after it are checked against the schema their history really builds.
//
// "Empty" is what was there before the first revision: the schemas (on a fresh database, only
// public) with their owner, privileges and comment, and the extensions. Everything else in a
// schema goes with DROP SCHEMA … CASCADE, the version table's schema included. With a prelude,
// the state is recorded before it runs, and every reset runs it again: what it made (extensions
// above all, which go with their schema) is there for every revision, built as the file builds it.
import type { Engine } from '../../runner/engines/engine.js';
import { quoteIdent, quoteLiteral } from '../../runner/util/sqlstring.js';
import { runPrelude, type Prelude } from './prelude.js';

/** Not a schema PostgreSQL owns (those are never dropped); `n` is pg_namespace's alias. */
const userSchema = (n: string) =>
  `${n}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${n}.nspname NOT LIKE 'pg\\_temp\\_%' AND ${n}.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

interface Grant {
  privilege: string;
  /** undefined for PUBLIC. */
  grantee?: string;
  grantable: boolean;
}

interface SchemaState {
  name: string;
  owner: string;
  /** undefined: the default privileges (nspacl is NULL). */
  grants?: Grant[];
  comment?: string;
}

export class Baseline {
  private constructor(
    private readonly engine: Engine,
    private readonly schemas: SchemaState[],
    private readonly extensions: Set<string>,
    private readonly prelude?: Prelude,
  ) {}

  /** Records the state there now, then runs the prelude; each reset comes back to the prelude's state. */
  static async withPrelude(engine: Engine, exclude: string, prelude: Prelude): Promise<Baseline> {
    const start = await Baseline.record(engine, exclude);
    const baseline = new Baseline(engine, start.schemas, start.extensions, prelude);
    await runPrelude(engine, prelude);
    return baseline;
  }

  /** Records the schemas and extensions there now; `exclude` is the round trip's own schema. */
  static async record(engine: Engine, exclude: string): Promise<Baseline> {
    const rows = await engine.query<{ name: string; owner: string; default_acl: boolean; comment: string | null }>(
      `SELECT nspname AS name, pg_catalog.pg_get_userbyid(nspowner) AS owner, nspacl IS NULL AS default_acl,
              pg_catalog.obj_description(oid, 'pg_namespace') AS comment
       FROM pg_catalog.pg_namespace n WHERE ${userSchema('n')} AND nspname <> $1 ORDER BY nspname`,
      [exclude],
    );
    const grants = await engine.query<{ name: string; privilege: string; grantee: string | null; grantable: boolean }>(
      `SELECT n.nspname AS name, a.privilege_type AS privilege, CASE WHEN a.grantee = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee,
              a.is_grantable AS grantable
       FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a WHERE ${userSchema('n')} AND n.nspname <> $1
       ORDER BY 1, 3 NULLS LAST, 2`,
      [exclude],
    );
    const schemas = rows.map((r): SchemaState => {
      const own = grants.filter((g) => g.name === r.name).map((g): Grant => ({ privilege: g.privilege, grantable: g.grantable, ...(g.grantee !== null ? { grantee: g.grantee } : {}) }));
      return { name: r.name, owner: r.owner, ...(r.default_acl ? {} : { grants: own }), ...(r.comment !== null ? { comment: r.comment } : {}) };
    });
    const extensions = await engine.query<{ name: string }>('SELECT extname AS name FROM pg_catalog.pg_extension');
    return new Baseline(engine, schemas, new Set(extensions.map((e) => e.name)));
  }

  /** Drops every schema (and extension) there is now and recreates the recorded ones, empty. */
  async reset(): Promise<void> {
    const present = await this.engine.query<{ name: string }>(`SELECT nspname AS name FROM pg_catalog.pg_namespace n WHERE ${userSchema('n')}`);
    const statements: string[] = [];
    if (present.length > 0) statements.push(`DROP SCHEMA ${present.map((s) => quoteIdent(s.name)).join(', ')} CASCADE`);
    // An extension lives in a schema and went with it, unless it was put in pg_catalog.
    const extensions = await this.engine.query<{ name: string; schema: string }>(
      'SELECT e.extname AS name, n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace',
    );
    const dropped = new Set(present.map((s) => s.name));
    const added = extensions.filter((e) => !this.extensions.has(e.name) && !dropped.has(e.schema));
    if (added.length > 0) statements.push(`DROP EXTENSION IF EXISTS ${added.map((e) => quoteIdent(e.name)).join(', ')} CASCADE`);
    for (const s of this.schemas) statements.push(...recreate(s));
    await this.engine.exec(`BEGIN;\n${statements.map((s) => `${s};\n`).join('')}COMMIT;`).catch(async (e: unknown) => {
      await this.engine.exec('ROLLBACK').catch(() => {});
      throw e;
    });
    if (this.prelude) await runPrelude(this.engine, this.prelude);
  }
}

/** CREATE SCHEMA with the recorded owner, privileges and comment. */
function recreate(s: SchemaState): string[] {
  const name = quoteIdent(s.name);
  const out = [`CREATE SCHEMA ${name}`, `ALTER SCHEMA ${name} OWNER TO ${quoteIdent(s.owner)}`];
  if (s.grants) {
    // From the default (the owner holds everything) to exactly the recorded list.
    out.push(`REVOKE ALL ON SCHEMA ${name} FROM ${quoteIdent(s.owner)}`);
    for (const g of s.grants) {
      out.push(`GRANT ${g.privilege} ON SCHEMA ${name} TO ${g.grantee === undefined ? 'PUBLIC' : quoteIdent(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`);
    }
  }
  if (s.comment !== undefined) out.push(`COMMENT ON SCHEMA ${name} IS ${quoteLiteral(s.comment)}`);
  return out;
}

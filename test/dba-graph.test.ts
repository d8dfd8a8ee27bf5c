// Branches and merges: new --parent, merge, heads, branches, up heads, the drawn history and
// the Mermaid / dot pictures, pure where possible and on PostgreSQL for the applied marks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RevisionGraph, type GraphNode } from '../src/runner/graph/graph.js';
import { drawGraph, graphText } from '../src/runner/render/ascii.js';
import { branchPoints } from '../src/runner/render/branches.js';
import { newestFirst } from '../src/runner/render/order.js';
import { mermaid } from '../src/runner/render/mermaid.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { GENESIS_DIR, tempSql, type TempSql } from './helpers/migrations.js';
import { withDatabase } from './helpers/postgres.js';

function graphOf(nodes: GraphNode[]): RevisionGraph {
  const { graph, problems } = RevisionGraph.build(nodes, (r) => r);
  assert.equal(problems, []);
  return graph!;
}

const drawn = (g: RevisionGraph) => graphText(drawGraph(g, newestFirst(g), () => 'o'), (r) => r).join('\n');

test('a linear history is one column', () => {
  const g = graphOf([{ revision: 'a', parents: [] }, { revision: 'b', parents: ['a'] }, { revision: 'c', parents: ['b'] }]);
  assert.fixture(drawn(g), ['o  c', 'o  b', 'o  a'].join('\n'));
});

test('branches gather at their branch point; a merge opens its second parent beside it', () => {
  // base -> a1 -> a2, base -> b1, merge m(a2, b1), then c on top.
  const g = graphOf([
    { revision: 'base', parents: [] },
    { revision: 'a1', parents: ['base'] },
    { revision: 'a2', parents: ['a1'] },
    { revision: 'b1', parents: ['base'] },
    { revision: 'm', parents: ['a2', 'b1'] },
    { revision: 'c', parents: ['m'] },
  ]);
  assert.fixture(drawn(g), ['o    c', 'o    m', '|\\', 'o |  a2', 'o |  a1', '| o  b1', '|/', 'o    base'].join('\n'));
});

test('two unmerged heads and a second root', () => {
  const g = graphOf([
    { revision: 'r1', parents: [] },
    { revision: 'x', parents: ['r1'] },
    { revision: 'y', parents: ['r1'] },
    { revision: 'r2', parents: [] },
  ]);
  const text = drawn(g);
  assert.fixture(text, ['o    y', '| o  x', '|/', 'o    r1', 'o    r2'].join('\n'));
});

test('branch points list where each branch goes', () => {
  const g = graphOf([
    { revision: 'base', parents: [] },
    { revision: 'a1', parents: ['base'] },
    { revision: 'a2', parents: ['a1'] },
    { revision: 'b1', parents: ['base'] },
    { revision: 'm', parents: ['a2', 'b1'] },
    { revision: 'c', parents: ['base'] },
  ]);
  assert.equal(branchPoints(g), [
    {
      revision: 'base',
      branches: [
        { revisions: ['a1', 'a2'], end: { kind: 'merge', revision: 'm' } },
        { revisions: ['b1'], end: { kind: 'merge', revision: 'm' } },
        { revisions: ['c'], end: { kind: 'head', revision: 'c' } },
      ],
    },
  ]);
});

test('Mermaid labels escape # too, so a message with "#1;" is not read as an entity code', () => {
  const g = graphOf([{ revision: 'a1', parents: [] }]);
  const picture = mermaid({ graph: g, message: () => 'fix #1; & "quotes" <b>' });
  assert.match(picture, 'r_a1(["a1<br/>fix #35;1; #amp; #quot;quotes#quot; #lt;b#gt;<br/><i>head</i>"])');
});

function cli(sql: TempSql, ...args: string[]): Promise<CliResult> {
  return runCli(['--dir', sql.dir, ...args]);
}

/** Creates a revision with `new` and gives it SQL, as a developer would. */
async function newRevision(sql: TempSql, message: string, table: string, parent?: string): Promise<string> {
  const r = await cli(sql, 'new', message, '--json', ...(parent ? ['--parent', parent] : []));
  assert.is(r.status, 0, r.stderr);
  const created = JSON.parse(r.stdout) as { revision: string; upFile: string; downFile: string };
  sql.raw('up', `${created.upFile.split('/').pop()}`, `${readFileSync(join(sql.dir, 'up', created.upFile.split('/').pop()!), 'utf8')}CREATE TABLE ${table} (id int);\n`);
  sql.raw('down', `${created.downFile.split('/').pop()}`, `DROP TABLE ${table};\n`);
  return created.revision;
}

test('new --parent starts a branch; merge joins the heads with an empty merge revision; up heads applies everything', async () => {
  const sql = tempSql([], { copyGenesis: true });
  try {
    const orders = await newRevision(sql, 'add orders', 'orders');
    const audit = await newRevision(sql, 'audit table', 'audit', 'd3ea');
    const heads = await cli(sql, 'heads', '--json');
    assert.is(heads.status, 0, heads.stderr);
    assert.equal(JSON.parse(heads.stdout).heads.map((h: { revision: string }) => h.revision).sort(), [orders, audit].sort());
    const files = readdirSync(join(sql.dir, 'up')).length;
    const single = await cli(sql, 'new', 'needs one head');
    assert.is(single.status, 2, 'new without --parent refuses while there are two heads');
    assert.match(single.stderr, `there are 2 heads (${[orders, audit].sort().join(', ')}); a new revision needs one parent`);
    assert.match(single.stderr, 'pgstrata merge heads');
    assert.match(single.stderr, `or pick the parent with \`--parent <rev>\` (e.g. --parent ${[orders, audit].sort()[0]})`);
    assert.is(readdirSync(join(sql.dir, 'up')).length, files, 'the refused new wrote no file');

    const branches = JSON.parse((await cli(sql, 'branches', '--json')).stdout).branchPoints;
    assert.is(branches.length, 1);
    assert.is(branches[0].revision, 'd3ea4d165475');

    const refused = await cli(sql, 'merge', 'f45c', 'd3ea');
    assert.is(refused.status, 2);
    assert.match(refused.stderr, 'd3ea4d165475 is already an ancestor of f45c116fedf1');

    const merged = await cli(sql, 'merge', 'heads', '-m', 'join orders and audit', '--json');
    assert.is(merged.status, 0, merged.stderr);
    const m = JSON.parse(merged.stdout) as { revision: string; upFile: string; parents: string[] };
    assert.equal([...m.parents].sort(), [orders, audit].sort());
    const up = readFileSync(join(sql.dir, 'up', m.upFile.split('/').pop()!), 'utf8');
    assert.match(up, `-- down_revision: ${m.parents.join(', ')}\n-- message: join orders and audit\n`);
    assert.ok(readFileSync(join(sql.dir, 'down', m.upFile.split('/').pop()!), 'utf8').length > 0);
    assert.equal(JSON.parse((await cli(sql, 'heads', '--json')).stdout).heads.map((h: { revision: string }) => h.revision), [m.revision]);

    const history = await cli(sql, 'history');
    assert.is(history.status, 0, history.stderr);
    assert.match(history.stdout, `o    ${m.revision} (head, merge)  join orders and audit\n|\\\n`);
    assert.match(history.stdout, /\|\/\no +d3ea4d165475 \(branch point\)/);

    await withDatabase(async (db) => {
      assert.is((await cli(sql, '--url', db.url, 'up', audit)).status, 0);
      const marked = await cli(sql, '--url', db.url, 'history');
      assert.is(marked.status, 0, marked.stderr);
      assert.match(marked.stdout, `${audit} (current)`);
      assert.match(marked.stdout, /^\* +2c43863b5e49/m);
      assert.match(marked.stdout, /^[| ]*o[| ]* +f45c116fedf1/m);
      assert.match(marked.stdout, '* applied   o pending');
      // DATABASE_URL alone is a database URL too, as for every other command.
      const viaEnv = await runCli(['--dir', sql.dir, 'history'], { env: { DATABASE_URL: db.url } });
      assert.is(viaEnv.status, 0, viaEnv.stderr);
      assert.is(viaEnv.stdout, marked.stdout);
      const all = await cli(sql, '--url', db.url, 'up', 'heads');
      assert.is(all.status, 0, all.stderr);
      const rows = await db.query<{ revision: string; down_revision: string[] }>('SELECT revision, down_revision FROM pgstrata_version ORDER BY applied_at, revision');
      assert.is(rows.length, 6);
      assert.equal(rows.find((r) => r.revision === m.revision)?.down_revision, m.parents);
      const picture = await cli(sql, '--url', db.url, 'graph');
      assert.is(picture.status, 0, picture.stderr);
      assert.match(picture.stdout, `class r_2c43863b5e49,`);
      assert.match(picture.stdout, / applied$/m);
      const tables = await db.query("SELECT 1 FROM pg_tables WHERE tablename IN ('orders', 'audit')");
      assert.is(tables.length, 2);
    });
  } finally {
    sql.remove();
  }
});

test("docs/commands.md's branch workflow works while the new files are still empty; up refuses them with exit 3", async () => {
  const sql = tempSql([], { copyGenesis: true });
  try {
    const first = await cli(sql, 'new', 'add orders table', '--json');
    assert.is(first.status, 0, first.stderr);
    const orders = JSON.parse(first.stdout) as { revision: string; upFile: string; downFile: string };
    const second = await cli(sql, 'new', 'audit log', '--parent', 'd3ea4d165475', '--json');
    assert.is(second.status, 0, second.stderr);
    const audit = JSON.parse(second.stdout) as { revision: string; upFile: string; downFile: string };
    assert.match(second.stderr, `${orders.upFile}, ${orders.downFile}`);
    assert.match(second.stderr, 'fill them in before `up`');

    const heads = await cli(sql, 'heads');
    assert.is(heads.status, 0, heads.stderr);
    assert.equal(heads.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort(), [orders.revision, audit.revision].sort());
    const warnings = heads.stderr.split('\n').filter((l) => l.includes('no SQL statement yet'));
    assert.is(warnings.length, 1, 'one warning');
    for (const f of [orders.upFile, orders.downFile, audit.upFile, audit.downFile]) assert.match(warnings[0]!, f);
    for (const command of [['branches'], ['history'], ['graph'], ['merge', 'heads', '-m', 'join', '--dry-run']]) {
      const r = await cli(sql, ...command);
      assert.is(r.status, 0, `${command.join(' ')}: ${r.stderr}`);
    }

    await withDatabase(async (db) => {
      const status = await cli(sql, '--url', db.url, 'status');
      assert.is(status.status, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`\\[ \\] ${orders.revision} .*pending - EMPTY: no SQL yet in ${orders.upFile}, ${orders.downFile}`));
      assert.match(status.stdout, new RegExp(`\\[ \\] ${audit.revision} .*EMPTY`));
      assert.match(status.stdout, '5 pending, 2 empty (fill them in before up).');
      const json = JSON.parse((await cli(sql, '--url', db.url, 'status', '--json')).stdout);
      assert.equal(json.revisions.find((r: { revision: string }) => r.revision === audit.revision).empty, [audit.upFile, audit.downFile]);
      assert.is((await cli(sql, '--url', db.url, 'current')).status, 0);

      for (const command of [['up'], ['up', 'heads', '--dry-run'], ['stamp', 'heads']]) {
        const refused = await cli(sql, '--url', db.url, ...command);
        assert.is(refused.status, 3, `${command.join(' ')}: ${refused.stderr}`);
        assert.match(refused.stderr, `${orders.upFile}: up file has no SQL statement`);
      }
      assert.equal(await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'pgstrata_version'"), [], 'nothing reached the database');
    });
    assert.is((await runCli(['--dir', sql.dir, 'check'])).status, 7, 'check stays strict');
  } finally {
    sql.remove();
  }
});

test('new --dry-run and merge --dry-run print the files, id and parents they would write, and write nothing', async () => {
  const sql = tempSql([
    { revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' },
    { revision: 'b1', parents: ['a1'], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;' },
    { revision: 'c1', parents: ['a1'], up: 'CREATE TABLE c (id int);', down: 'DROP TABLE c;' },
  ]);
  const files = () => [...readdirSync(join(sql.dir, 'up')), ...readdirSync(join(sql.dir, 'down'))].sort();
  try {
    const before = files();
    const child = await cli(sql, 'new', 'add orders table', '--parent', 'b1', '--dry-run');
    assert.is(child.status, 0, child.stderr);
    assert.match(child.stdout, 'Would create (dry run; nothing was written):');
    assert.match(child.stdout, new RegExp(`up/[0-9a-f]{12}_add_orders_table\\.sql\n`));
    assert.match(child.stdout, new RegExp(`down/[0-9a-f]{12}_add_orders_table\\.sql\n`));
    assert.match(child.stdout, /^revision: [0-9a-f]{12}/m);
    assert.match(child.stdout, /^parent: b1$/m);
    const merge = await cli(sql, 'merge', 'heads', '-m', 'join b and c', '--dry-run', '--json');
    assert.is(merge.status, 0, merge.stderr);
    const planned = JSON.parse(merge.stdout);
    assert.equal([planned.dryRun, planned.parents], [true, ['b1', 'c1']]);
    assert.match(planned.upFile, /up\/[0-9a-f]{12}_join_b_and_c\.sql$/);
    const human = await cli(sql, 'merge', 'b1', 'c1', '--dry-run');
    assert.match(human.stdout, /^parents: b1, c1$/m);
    assert.equal(files(), before, 'nothing was written');
  } finally {
    sql.remove();
  }
});

test('graph --format mermaid and dot: messages as labels, heads and merges marked, edges parent to child', async () => {
  const sql = tempSql([
    { revision: 'a1', up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;', message: 'the "first" <table>' },
    { revision: 'b1', parents: ['a1'], up: 'CREATE TABLE b (id int);', down: 'DROP TABLE b;', message: 'b' },
    { revision: 'c1', parents: ['a1'], up: 'CREATE TABLE c (id int);', down: 'DROP TABLE c;', message: 'c' },
    { revision: 'm1', parents: ['b1', 'c1'], up: '-- nothing to reconcile', down: '', message: 'merge b and c' },
  ]);
  try {
    const m = await cli(sql, 'graph', '--format', 'mermaid');
    assert.is(m.status, 0, m.stderr);
    assert.fixture(
      m.stdout,
      [
        'flowchart TD',
        '  r_a1("a1<br/>the #quot;first#quot; #lt;table#gt;")',
        '  r_b1("b1<br/>b")',
        '  r_c1("c1<br/>c")',
        '  r_m1{{"m1<br/>merge b and c<br/><i>head</i>"}}',
        '  r_a1 --> r_b1',
        '  r_a1 --> r_c1',
        '  r_b1 --> r_m1',
        '  r_c1 --> r_m1',
        '  classDef head stroke-width:3px',
        '  classDef merge fill:#eef3ff',
        '  classDef applied fill:#d7f0dc,stroke:#2e7d32',
        '  classDef dirty fill:#fbd9d9,stroke:#c62828',
        '  class r_m1 head',
        '  class r_m1 merge',
        '',
      ].join('\n'),
    );
    const d = await cli(sql, 'graph', '--format', 'dot');
    assert.is(d.status, 0, d.stderr);
    assert.match(d.stdout, '"a1" [label="a1\\nthe \\"first\\" <table>"];');
    assert.match(d.stdout, '"m1" [label="m1\\nmerge b and c\\n(head)", shape=hexagon, peripheries=2];');
    assert.match(d.stdout, '"b1" -> "m1";');
    assert.ok(d.stdout.trim().endsWith('}'));
  } finally {
    sql.remove();
  }
});

test("docs/commands.md's Mermaid picture of the Genesis history is what `graph` prints", async () => {
  const page = readFileSync(join(GENESIS_DIR, '..', 'docs', 'commands.md'), 'utf8');
  const block = /<!-- genesis-graph[^>]*-->\s*```mermaid\n([\s\S]*?)```/.exec(page);
  assert.ok(block, 'docs/commands.md has the genesis-graph block');
  const printed = await runCli(['--dir', GENESIS_DIR, 'graph', '--format', 'mermaid']);
  assert.is(printed.status, 0, printed.stderr);
  assert.fixture(block![1]!, printed.stdout);
});

test.run();

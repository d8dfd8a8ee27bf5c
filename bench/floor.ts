// The floor of ../shared/docs/benchmarking.md: one connection, and per migration one
// simple-protocol round trip `BEGIN; <file's SQL>; <bookkeeping insert>; COMMIT;`.
// Usage: node dist/bench/floor.js <url> <sql dir>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const [url, dir] = process.argv.slice(2);
const upDir = join(dir!, 'up');
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS floor_versions (revision text PRIMARY KEY)');
for (const name of readdirSync(upDir).sort()) {
  const sql = readFileSync(join(upDir, name), 'utf8');
  const revision = name.slice(0, name.indexOf('_'));
  await client.query(`BEGIN;\n${sql}\n;INSERT INTO floor_versions (revision) VALUES ('${revision}');\nCOMMIT;`);
}
await client.end();

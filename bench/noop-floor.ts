// The least a no-op `up` that checks for drift can do, as a yardstick for pgstrata's no-op: list
// the up directory, read and SHA-256 every file, read each applied revision's checksum over one
// connection, and compare. No header parsing, no graph, no lock, no down files, no CLI.
// Bundled with esbuild (scripts/bundle.mjs) into one ES module; unlike the CLI it has no V8 code
// cache, so it compiles node-postgres on every run where the CLI does not.
// Usage: node dist/bench/noop-floor.bundle.js <url> <sql dir>
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { hash } from 'node:crypto';
import pg from 'pg';

const [url, dir] = process.argv.slice(2);
const upDir = `${dir!}/up`;
const buffer = Buffer.allocUnsafe(1 << 16);
const onDisk = new Map<string, string>();
for (const name of readdirSync(upDir).sort()) {
  const fd = openSync(`${upDir}/${name}`, 'r');
  const size = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  onDisk.set(name.slice(0, name.indexOf('_')), hash('sha256', buffer.toString('utf8', 0, size)));
}
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query<{ revision: string; checksum: string }>('SELECT revision, checksum FROM pgstrata_version');
await client.end();
// The files were written with LF endings and no BOM, so the plain hash equals pgstrata's checksum.
const changed = rows.filter((r) => onDisk.get(r.revision) !== r.checksum).length;
if (changed > 0 || rows.length !== onDisk.size) {
  console.error(`noop-floor: ${changed} changed of ${rows.length} applied, ${onDisk.size} files`);
  process.exit(1);
}

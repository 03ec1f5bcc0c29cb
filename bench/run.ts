/**
 * `npm run bench -- <name> [flags]`: runs bench/<name>.ts (actor-ask, http, ws, rpc, tasks).
 */
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

const [name] = process.argv.slice(2);
// `.js` when compiled (`npm run bench`), `.ts` from source through the dev loader.
const ext = extname(__filename);
const available = readdirSync(__dirname)
  .filter((f) => f.endsWith(ext) && !['run', 'harness', 'http-servers'].includes(f.slice(0, -ext.length)))
  .map((f) => f.slice(0, -ext.length));
if (!available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [flags]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
require(join(__dirname, `${name}${ext}`));

/**
 * `npm run bench -- <name> [flags]`: runs bench/<name>.ts (actor-ask, http, ws, rpc, tasks).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [name] = process.argv.slice(2);
const available = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !['run.ts', 'harness.ts'].includes(f)).map((f) => f.slice(0, -3));
if (!name || !existsSync(join(__dirname, `${name}.ts`))) {
  process.stderr.write(`usage: npm run bench -- <name> [flags]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
require(join(__dirname, `${name}.ts`));

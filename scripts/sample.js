'use strict';
// `npm run sample -- <name> [flags]`: runs samples/<name>/index.ts with the flags. Workers re-run
// this script with the same arguments (cluster style), so it must stay side-effect free.
const path = require('path');
const fs = require('fs');
const [name, ...flags] = process.argv.slice(2);
const dir = path.join(__dirname, '..', 'samples');
if (!name || name.startsWith('-')) {
  const names = fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'index.ts')));
  process.stderr.write(`usage: npm run sample -- <name> [flags]\nsamples: ${names.join(', ')}\n`);
  process.exit(2);
}
const entry = path.join(dir, name, 'index.ts');
if (!fs.existsSync(entry)) {
  process.stderr.write(`rxpulsar: error: no sample "${name}" (no ${path.relative(process.cwd(), entry)})\n`);
  process.exit(2);
}
// The sample name stays in argv (a positional argument the settings parser ignores) so that
// workers, which re-run this script with the same arguments, load the same sample.
require(entry);

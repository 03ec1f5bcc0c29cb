'use strict';
// Development loader: runs the TypeScript sources directly (ts-node, transpiled by swc) and maps
// the package's public entry points (`rxpulsar`, `rxpulsar/operators`, `rxpulsar/apps/<name>`)
// to their source files, so samples, specs and benches import exactly what users import.
// Worker threads and child processes inherit it through execArgv (`-r <this file>`).
const path = require('path');
const root = __dirname;
if (!require.extensions['.ts']) {
  require('ts-node').register({
    project: path.join(root, 'tsconfig.json'),
    transpileOnly: true,
    swc: true,
  });
}
require('tsconfig-paths').register({
  baseUrl: root,
  paths: require('./tsconfig.json').compilerOptions.paths,
});

/**
 * How children load code: they inherit the parent's `execArgv` (so `-r ts-node/register` and
 * friends follow them, as with `cluster`). When rxpulsar itself runs from its TypeScript sources
 * (development, jest) and no TypeScript loader was preloaded, the project's `register.js` is
 * added, so the `.ts` worker entry can load.
 */
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const runningFromSource = extname(__filename) === '.ts';

/** Flags of the parent that must not be copied into children (debugger ports would clash). */
function inheritable(args: readonly string[]): string[] {
  return args.filter((a) => !/^--inspect(-brk|-port)?(=|$)/.test(a) && !/^--debug-port/.test(a));
}

export function childExecArgv(): string[] {
  const args = inheritable(process.execArgv);
  if (runningFromSource && !hasTypeScriptLoader(args)) {
    const register = resolve(__dirname, '..', '..', 'register.js');
    if (existsSync(register)) args.push('-r', register);
  }
  return args;
}

function hasTypeScriptLoader(args: readonly string[]): boolean {
  return args.some((a) => /register|ts-node|tsx|swc/.test(a));
}

/** The file a spawned (module or bare) actor's thread or process starts from. */
export function workerEntry(): string {
  return join(__dirname, `worker-main${extname(__filename)}`);
}

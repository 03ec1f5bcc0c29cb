import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** rxpulsar's version, read from its package.json (found from this file, in sources or dist). */
export function version(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rxpulsar' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here: one level up
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}

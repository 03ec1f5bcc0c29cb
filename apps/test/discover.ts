/**
 * Finds test modules (pulsar's `TestLoader`): directories are searched recursively for file names
 * matching the patterns; names starting with `_` or `.` (and `node_modules`) are skipped. Each
 * module gets a dotted label from its path relative to the directory it was found in, without
 * extension and without a `.test`/`.spec` suffix: `nested/strings.test.ts` → `nested.strings`.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, relative, resolve, sep } from 'node:path';

export interface TestModule {
  /** Dotted label, what positional arguments select. */
  readonly label: string;
  /** Absolute path. */
  readonly file: string;
}

/** `*` matches any run of characters except `/`; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

export function moduleLabel(relativePath: string): string {
  const ext = extname(relativePath);
  const bare = ext ? relativePath.slice(0, -ext.length) : relativePath;
  return bare
    .replace(/\.(test|tests|spec)$/, '')
    .split(/[\\/]/)
    .filter(Boolean)
    .join('.');
}

/** Test modules under `entries` (directories or files, relative to `cwd`), sorted by label. */
export function discoverModules(entries: readonly string[], patterns: readonly string[], cwd = process.cwd()): TestModule[] {
  const matchers = patterns.map(globToRegExp);
  const matches = (name: string): boolean => !name.endsWith('.d.ts') && matchers.some((re) => re.test(name));
  const found = new Map<string, TestModule>();
  const walk = (dir: string, top: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = `${dir}${sep}${entry.name}`;
      if (entry.isDirectory()) walk(path, top);
      else if (entry.isFile() && matches(entry.name) && !found.has(path)) found.set(path, { label: moduleLabel(relative(top, path)), file: path });
    }
  };
  for (const entry of entries) {
    const path = resolve(cwd, entry);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      continue; // a missing entry has no tests; labels that expected some will say so
    }
    if (isDirectory) walk(path, path);
    else if (!found.has(path)) found.set(path, { label: moduleLabel(basename(path)), file: path });
  }
  return [...found.values()].sort((a, b) => a.label.localeCompare(b.label));
}

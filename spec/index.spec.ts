import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The public surface, pinned: every runtime export of every entry point in the `exports` map.
 * Adding or removing an export is an API change — update `spec/fixtures/public-exports.json` on
 * purpose, in the same commit.
 */
const pinned = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'public-exports.json'), 'utf8')) as Record<string, string[]>;
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

describe('public API', () => {
  it('pins one list per entry point of the exports map (and no other entry point)', () => {
    const entries = Object.keys(pkg.exports)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? 'rxpulsar' : `rxpulsar/${key.slice(2)}`))
      .sort();
    expect(Object.keys(pinned).sort()).toEqual(entries);
  });

  it.each(Object.keys(pinned))('%s exports exactly the pinned names', (entry) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const actual = Object.keys(require(entry) as object).sort();
    expect(actual).toEqual(pinned[entry]);
  });
});

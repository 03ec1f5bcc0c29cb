import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSettingsDoc } from '../../scripts/settings-doc';

describe('docs/settings.md', () => {
  it('is the settings registry, rendered (regenerate with scripts/settings-doc.ts)', () => {
    const current = readFileSync(join(__dirname, '..', '..', 'docs', 'settings.md'), 'utf8');
    expect(current).toBe(renderSettingsDoc());
  });
});

/**
 * Generates docs/settings.md from the settings registry (every app's settings included).
 *
 *     node -r ./register.js scripts/settings-doc.ts          # writes docs/settings.md
 *     node -r ./register.js scripts/settings-doc.ts --check  # exits 1 if it is out of date
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSettings } from '../lib/config/registry';
import '../lib/config/settings';

const ROOT = join(__dirname, '..');

/** Loads every `settings.ts` of apps and samples so that their settings are registered. */
export function loadAllSettings(): void {
  for (const dir of ['apps', 'samples']) {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      const file = join(ROOT, dir, name, 'settings.ts');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      if (existsSync(file)) require(file);
    }
  }
}

export function renderSettingsDoc(): string {
  loadAllSettings();
  const lines = [
    '# Settings reference',
    '',
    '<!-- Generated from the settings registry by `node -r ./register.js scripts/settings-doc.ts`; do not edit. -->',
    '',
    'Every setting can be given, lowest precedence first, as a default in code, in a config file',
    '(`--config file.js|.ts|.json`, snake_case or kebab-case keys; `<app>__<name>` for one app), as an',
    'environment variable (`RXPULSAR_<NAME>`, or `RXPULSAR_<APP>__<NAME>`) or on the command line.',
    'A bad value stops the program with status 2 and one line naming the setting.',
    '',
  ];
  const sections = new Map<string, ReturnType<typeof allSettings>>();
  for (const s of allSettings()) sections.set(s.section, [...(sections.get(s.section) ?? []), s]);
  for (const [section, settings] of sections) {
    lines.push(`## ${section}`, '', '| Name | Command line | Environment | Default | App | Description |', '|---|---|---|---|---|---|');
    for (const s of settings) {
      const flags = (s.flags ?? []).map((f) => `\`${f}\``).join(', ') || '—';
      const def = s.default === '' ? '—' : `\`${JSON.stringify(s.default)}\``;
      lines.push(`| \`${s.name}\` | ${flags} | \`${s.env}\` | ${def} | ${s.app ?? 'all'} | ${s.help.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (require.main === module) {
  const file = join(ROOT, 'docs', 'settings.md');
  const text = renderSettingsDoc();
  if (process.argv.includes('--check')) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/settings.md is out of date: run node -r ./register.js scripts/settings-doc.ts\n');
      process.exit(1);
    }
  } else {
    writeFileSync(file, text);
  }
}

/**
 * Command line parsing for settings, on `node:util` `parseArgs` (strict: unknown options fail).
 * `--help` and `--version` are handled by {@link handleCliErrors}' caller, the Application.
 */
import { parseArgs } from 'node:util';
import { createError } from '../errors';
import type { Setting } from './registry';

export interface ParsedArgv {
  readonly values: Record<string, unknown>;
  readonly positional: string[];
  readonly help: boolean;
  readonly version: boolean;
}

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parseArgv(argv: readonly string[], settings: readonly Setting<unknown>[]): ParsedArgv {
  const options: NonNullable<ParseArgsOptions> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  const flagToSetting = new Map<string, Setting<unknown>>();
  for (const s of settings) {
    for (const flag of s.flags ?? []) {
      if (flag.startsWith('--')) {
        const long = flag.slice(2);
        const short = (s.flags ?? []).find((f) => /^-[a-zA-Z]$/.test(f))?.slice(1);
        options[long] = { type: s.boolean ? 'boolean' : 'string', ...(short ? { short } : {}) };
        flagToSetting.set(long, s);
        if (s.boolean) {
          options[`no-${long}`] = { type: 'boolean' };
          flagToSetting.set(`no-${long}`, s);
        }
      }
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, settings), options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw createError('RXP_ERR_UNKNOWN_FLAG', flag);
    // Missing value, or a value given to a boolean flag: name the setting.
    const long = flag.replace(/^-+/, '').split(/[ ,]/)[0];
    const setting = flagToSetting.get(long) ?? [...flagToSetting.values()].find((s) => (s.flags ?? []).includes(`-${long}`));
    throw createError('RXP_ERR_INVALID_SETTING', setting?.name ?? long, message.split('\n')[0]);
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.values)) {
    const setting = flagToSetting.get(key);
    if (!setting) continue;
    values[setting.name] = key.startsWith('no-') && setting.boolean ? !value : value;
  }
  return {
    values,
    positional: parsed.positionals,
    help: parsed.values.help === true,
    version: parsed.values.version === true,
  };
}

/**
 * `parseArgs` refuses `--workers -1` as ambiguous; join such values (`--workers=-1`) so the
 * setting's validator, not the parser, rejects them with a message naming the setting.
 */
function joinNegativeValues(argv: readonly string[], settings: readonly Setting<unknown>[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const setting = settings.find((s) => !s.boolean && (s.flags ?? []).includes(token));
    const next = argv[i + 1];
    if (setting && next !== undefined && /^-\d/.test(next)) {
      const long = (setting.flags ?? []).find((f) => f.startsWith('--')) ?? token;
      out.push(`${long}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** `--help` text: settings grouped by section, with flags, defaults and help. */
export function formatHelp(usage: string, settings: readonly Setting<unknown>[]): string {
  const sections = new Map<string, Setting<unknown>[]>();
  for (const s of settings) {
    if (!s.flags?.length) continue;
    const list = sections.get(s.section) ?? [];
    list.push(s);
    sections.set(s.section, list);
  }
  const lines = [`usage: ${usage} [options]`, '', '  -h, --help            show this help and exit', '  --version             print the version and exit'];
  for (const [section, list] of sections) {
    lines.push('', `${section}:`);
    for (const s of list) {
      const flags = [...(s.flags ?? [])].join(', ') + (s.boolean ? '' : ` ${s.meta ?? 'VALUE'}`);
      const def = s.default === '' || s.default === false ? '' : ` [default: ${JSON.stringify(s.default)}]`;
      lines.push(`  ${flags.padEnd(28)} ${s.help}${def}`);
    }
  }
  return lines.join('\n') + '\n';
}

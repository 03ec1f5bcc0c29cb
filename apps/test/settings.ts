/**
 * Settings of the test app (`rxpulsar/apps/test`), visible to the `test` app only. The flags are
 * pulsar's (`--verbosity`, `--test-timeout`, `--sequential`, `--list-labels`, `--benchmark`,
 * `--profile`); the names carry a `test_` prefix because the setting registry is global.
 */
import { defineSetting } from '../../lib/config/registry';
import { boolean, integer, number, string, stringList } from '../../lib/config/validators';

const section = 'Test Suite';

export const testModules = defineSetting<string[]>({
  name: 'test_modules',
  app: 'test',
  flags: ['--test-modules'],
  meta: 'PATHS',
  default: ['tests'],
  validate: stringList,
  section,
  help: 'Comma-separated directories (searched recursively) and files holding test modules.',
});

export const testPattern = defineSetting<string[]>({
  name: 'test_pattern',
  app: 'test',
  flags: ['--test-pattern'],
  meta: 'GLOBS',
  default: ['*.test.ts', '*.test.js'],
  validate: stringList,
  section,
  help: 'Comma-separated file name patterns (`*` wildcard) of test modules. Names starting with `_` or `.` are skipped.',
});

export const listLabels = defineSetting<boolean>({
  name: 'test_list_labels',
  app: 'test',
  flags: ['-l', '--list-labels'],
  boolean: true,
  default: false,
  validate: boolean,
  section,
  help: 'Print the labels of the test modules (what positional arguments select) and exit.',
});

export const verbosity = defineSetting<number>({
  name: 'test_verbosity',
  app: 'test',
  flags: ['--verbosity'],
  meta: 'INT',
  default: 1,
  validate: integer({ min: 0, max: 3 }),
  section,
  help: '0: summary only; 1: progress (a live line on a terminal, dots otherwise); 2: one line per test.',
});

export const testTimeout = defineSetting<number>({
  name: 'test_timeout',
  app: 'test',
  flags: ['--test-timeout'],
  meta: 'SECONDS',
  default: 30,
  validate: number({ min: 0 }),
  section,
  help: 'A test or hook that has not completed after this many seconds errors (its Observable is unsubscribed). 0: no limit.',
});

export const sequential = defineSetting<boolean>({
  name: 'test_sequential',
  app: 'test',
  flags: ['--sequential'],
  boolean: true,
  default: false,
  validate: boolean,
  section,
  help: 'Run the tests of every describe one after another (by default they run concurrently). Modules still spread over workers.',
});

export const benchmark = defineSetting<boolean>({
  name: 'test_benchmark',
  app: 'test',
  flags: ['--benchmark'],
  boolean: true,
  default: false,
  validate: boolean,
  section,
  help: 'Run each test --repeat times and report min/median/p99 durations.',
});

export const repeat = defineSetting<number>({
  name: 'test_repeat',
  app: 'test',
  flags: ['--repeat'],
  meta: 'INT',
  default: 10,
  validate: integer({ min: 1, max: 1_000_000 }),
  section,
  help: 'Runs per test in --benchmark mode.',
});

export const profile = defineSetting<boolean>({
  name: 'test_profile',
  app: 'test',
  flags: ['--profile'],
  boolean: true,
  default: false,
  validate: boolean,
  section,
  help: 'Record a CPU profile of every test worker (node:inspector) into --profile-dir as <suite>-<worker>.cpuprofile.',
});

export const profileDir = defineSetting<string>({
  name: 'test_profile_dir',
  app: 'test',
  flags: ['--profile-dir'],
  meta: 'DIR',
  default: 'profiles',
  validate: string(),
  section,
  help: 'Directory of the --profile output (created if missing).',
});

export const junit = defineSetting<string>({
  name: 'test_junit',
  app: 'test',
  flags: ['--junit'],
  meta: 'FILE',
  default: '',
  validate: string({ nullable: true }),
  section,
  help: 'Also write the results as a JUnit XML report to this file.',
});

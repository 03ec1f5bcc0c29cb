import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config, defineSetting, isRxPulsarError, settings, validators } from 'rxpulsar';

const appOnly = defineSetting<number>({
  name: 'spec_app_only',
  app: 'specapp',
  flags: ['--spec-app-only'],
  default: 3,
  validate: validators.integer({ min: 0 }),
  section: 'Spec',
  help: 'a setting of one app',
});

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(isRxPulsarError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('Config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxp-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the defaults of the registry', () => {
    const cfg = Config.load({ apps: ['socket'] });
    expect(cfg.get(settings.workers)).toBe(1);
    expect(cfg.get(settings.concurrency)).toBe('process');
    expect(cfg.get(settings.bind)).toBe('127.0.0.1:8060');
    expect(cfg.get(settings.timeout)).toBe(30);
    expect(cfg.get(settings.debug)).toBe(false);
  });

  it('applies defaults ← code ← file ← env ← command line, in that order', () => {
    const file = join(dir, 'layers.json');
    writeFileSync(file, JSON.stringify({ workers: 3, timeout: 7, 'graceful-timeout': 9, specapp__workers: 4 }));
    const cfg = Config.load({
      apps: ['socket', 'specapp'],
      appName: 'specapp',
      defaults: { workers: 2, timeout: 5, backlog: 10, max_requests: 11 },
      argv: ['--config', file, '--timeout', '8'],
      env: { RXPULSAR_GRACEFUL_TIMEOUT: '12', RXPULSAR_MAX_REQUESTS: '13' },
    });
    expect(cfg.get(settings.backlog)).toBe(10); // code
    expect(cfg.get(settings.workers)).toBe(4); // file, per-app override
    expect(cfg.get(settings.gracefulTimeout)).toBe(12); // env over file
    expect(cfg.get(settings.maxRequests)).toBe(13); // env over code
    expect(cfg.get(settings.timeout)).toBe(8); // CLI over file
  });

  it('loads a JavaScript config file exporting an object', () => {
    const file = join(dir, 'conf.js');
    writeFileSync(file, 'module.exports = { workers: 6, debug: true };');
    const cfg = Config.load({ argv: ['-c', file] });
    expect(cfg.get(settings.workers)).toBe(6);
    expect(cfg.get(settings.debug)).toBe(true);
  });

  it('reads short flags, boolean flags and --no- flags', () => {
    const cfg = Config.load({ apps: ['socket'], argv: ['-w', '2', '-b', '[::1]:0', '--debug', '-t', '0.5'] });
    expect(cfg.get(settings.workers)).toBe(2);
    expect(cfg.get(settings.bind)).toBe('[::1]:0');
    expect(cfg.get(settings.debug)).toBe(true);
    expect(cfg.get(settings.timeout)).toBe(0.5);
    expect(Config.load({ argv: ['--debug', '--no-debug'] }).get(settings.debug)).toBe(false);
  });

  it.each([
    [['--workers', '-1'], 'RXP_ERR_INVALID_SETTING', /"workers": expected an integer from 1 to 1024, got "-1"/],
    [['--concurrency', 'fork'], 'RXP_ERR_INVALID_SETTING', /"concurrency": expected one of inline, thread, process, got "fork"/],
    [['--log-level', 'loud'], 'RXP_ERR_INVALID_SETTING', /"log_level"/],
    [['--nope'], 'RXP_ERR_UNKNOWN_FLAG', /"--nope"/],
    [['-w'], 'RXP_ERR_INVALID_SETTING', /"workers"/],
  ])('rejects %j with %s naming the setting', (argv, code, message) => {
    const error = errorOf(() => Config.load({ argv }));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('rejects a bad value from the environment or a file, naming the setting', () => {
    expect(errorOf(() => Config.load({ env: { RXPULSAR_WORKERS: 'many' } })).message).toMatch(/"workers"/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"timeout": "soon"}');
    expect(errorOf(() => Config.load({ argv: ['--config', file] })).message).toMatch(/"timeout"/);
    expect(errorOf(() => Config.load({ argv: ['--config', join(dir, 'missing.json')] })).code).toBe('RXP_ERR_CONFIG_FILE');
  });

  it('scopes app settings to their app', () => {
    expect(Config.load({ apps: ['specapp'] }).get(appOnly)).toBe(3);
    expect(Config.load({ apps: ['specapp'], argv: ['--spec-app-only', '1'] }).get(appOnly)).toBe(1);
    // Another app's flag is understood (two apps can share one command line) but not applied.
    const other = Config.load({ apps: ['socket'], argv: ['--spec-app-only', '1'] });
    expect(other.has('spec_app_only')).toBe(false);
  });

  it('round-trips to a worker through toJSON/fromJSON', () => {
    const cfg = Config.load({ apps: ['socket'], argv: ['-w', '3', 'label1'] });
    const copy = Config.fromJSON(cfg.toJSON(), cfg.positional);
    expect(copy.get(settings.workers)).toBe(3);
    expect(copy.positional).toEqual(['label1']);
  });

  it('validates values set at run time', () => {
    const cfg = Config.load();
    cfg.set('workers', '5');
    expect(cfg.get(settings.workers)).toBe(5);
    expect(errorOf(() => cfg.set('workers', 0)).code).toBe('RXP_ERR_INVALID_SETTING');
    expect(errorOf(() => cfg.set('no_such_setting', 1)).code).toBe('RXP_ERR_UNKNOWN_SETTING');
  });
});

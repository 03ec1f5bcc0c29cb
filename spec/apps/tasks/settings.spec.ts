import { Config } from '../../../lib/config/config';
import { settingsFor } from '../../../lib/config/registry';
import { join } from 'node:path';
import { loadJobRegistry, taskQueueOptions } from 'rxpulsar/apps/tasks';

describe('task queue settings', () => {
  it('should read the CLI flags into engine options (seconds become ms)', () => {
    const cfg = Config.load({
      apps: ['tasks'],
      argv: ['--task-backend', 'redis://127.0.0.1:6390/2', '--task-concurrency', '8', '--task-lease', '2.5', '--tasks-path', 'a.ts,b.ts', '--task-backpressure', 'error'],
    });
    expect(taskQueueOptions(cfg)).toMatchObject({
      backend: 'redis://127.0.0.1:6390/2',
      concurrency: 8,
      lease: 2500,
      tasks_path: ['a.ts', 'b.ts'],
      backpressure: 'error',
      queues: ['default'],
      high_water_mark: 0,
      defaults: { max_redeliveries: 3, result_ttl: 86_400_000, soft_time_limit: 0, hard_time_limit: 0 },
    });
  });

  it('should belong to the tasks app and reject bad values', () => {
    const names = settingsFor(['tasks']).filter((s) => s.app === 'tasks').map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['task_backend', 'tasks_path', 'task_concurrency', 'max_redeliveries', 'task_high_water_mark']));
    expect(() => Config.load({ apps: ['tasks'], argv: ['--task-backend', 'mongodb://x'] })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SETTING' }));
    expect(() => Config.load({ apps: ['tasks'], argv: ['--task-concurrency', '0'] })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SETTING' }));
  });
});

describe('loadJobRegistry', () => {
  it('should load the jobs of --tasks-path modules', () => {
    const registry = loadJobRegistry(['apps/tasks/examples/jobs.ts'], join(__dirname, '..', '..', '..'));
    expect(registry.list().map((j) => j.name)).toEqual([
      'addition',
      'asynchronous',
      'checkworkers',
      'notoverlap',
      'producer',
      'standarddeviation',
      'summoments',
      'valueerrortask',
    ]);
    expect(() => loadJobRegistry(['./no-such-module.ts'])).toThrow();
  });
});

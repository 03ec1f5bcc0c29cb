/**
 * Settings of the task queue application (section "Task Queue"). Durations are in seconds on
 * the command line, like `--timeout`; {@link taskQueueOptions} turns them into the engine's
 * milliseconds.
 */
import type { Config } from '../../lib/config/config';
import { defineSetting } from '../../lib/config/registry';
import { choice, integer, number, string, stringList } from '../../lib/config/validators';

const section = 'Task Queue';
const app = 'tasks';

function backendUrl(raw: unknown): string {
  const text = string()(raw);
  if (text === 'embedded' || /^rediss?:\/\//.test(text)) return text;
  throw new Error(`expected "embedded" or a redis:// URL, got ${JSON.stringify(raw)}`);
}

export const taskBackend = defineSetting<string>({
  name: 'task_backend',
  app,
  flags: ['--task-backend'],
  meta: 'URL',
  default: 'embedded',
  validate: backendUrl,
  section,
  help: 'Where tasks live: "embedded" (in the arbiter; survives worker crashes, not arbiter restarts) or redis://host:port/db (shared by every host).',
});

export const tasksPath = defineSetting<string[]>({
  name: 'tasks_path',
  app,
  flags: ['--tasks-path'],
  meta: 'MODULES',
  default: [],
  validate: stringList,
  section,
  help: 'Comma-separated modules that export the jobs (an array of jobs, or a JobRegistry, as `jobs` or default).',
});

export const taskConcurrency = defineSetting<number>({
  name: 'task_concurrency',
  app,
  flags: ['--task-concurrency'],
  meta: 'INT',
  default: 4,
  validate: integer({ min: 1, max: 10_000 }),
  section,
  help: 'Tasks each worker runs at once. Workers pull this many at most: no prefetch beyond it.',
});

export const taskQueues = defineSetting<string[]>({
  name: 'task_queues',
  app,
  flags: ['--task-queues'],
  meta: 'NAMES',
  default: ['default'],
  validate: stringList,
  section,
  help: 'Comma-separated queues the workers pull from; the first has precedence.',
});

export const taskLease = defineSetting<number>({
  name: 'task_lease',
  app,
  flags: ['--task-lease'],
  meta: 'SECONDS',
  default: 30,
  validate: number({ min: 0.05 }),
  section,
  help: 'A running task is renewed every third of this; a worker silent for longer (dead or hung) loses the task to another worker.',
});

export const maxRedeliveries = defineSetting<number>({
  name: 'max_redeliveries',
  app,
  flags: ['--max-redeliveries'],
  meta: 'INT',
  default: 3,
  validate: integer({ min: 0 }),
  section,
  help: 'Lost leases tolerated per task before it fails with RXP_ERR_TASK_LOST (a job that kills its worker every time).',
});

export const taskHighWaterMark = defineSetting<number>({
  name: 'task_high_water_mark',
  app,
  flags: ['--task-high-water-mark'],
  meta: 'INT',
  default: 0,
  validate: integer({ min: 0 }),
  section,
  help: 'Waiting tasks at which producers are held back (see --task-backpressure). 0 = no limit.',
});

export const taskBackpressure = defineSetting<'wait' | 'error'>({
  name: 'task_backpressure',
  app,
  flags: ['--task-backpressure'],
  meta: 'MODE',
  default: 'wait',
  validate: choice(['wait', 'error'] as const),
  section,
  help: 'At the high-water mark: "wait" delays producers until there is room, "error" fails them with RXP_ERR_QUEUE_FULL.',
});

export const taskResultTtl = defineSetting<number>({
  name: 'task_result_ttl',
  app,
  flags: ['--task-result-ttl'],
  meta: 'SECONDS',
  default: 86_400,
  validate: number({ min: 0.001 }),
  section,
  help: 'How long finished tasks and their results are kept.',
});

export const taskSoftTimeLimit = defineSetting<number>({
  name: 'task_soft_time_limit',
  app,
  flags: ['--task-soft-time-limit'],
  meta: 'SECONDS',
  default: 0,
  validate: number({ min: 0 }),
  section,
  help: 'Default soft limit: the job\'s ctx.signal aborts after this long. 0 = none.',
});

export const taskHardTimeLimit = defineSetting<number>({
  name: 'task_hard_time_limit',
  app,
  flags: ['--task-hard-time-limit'],
  meta: 'SECONDS',
  default: 0,
  validate: number({ min: 0 }),
  section,
  help: 'Default hard limit: the task fails and its worker is replaced after this long. 0 = none.',
});

/** Engine options from a loaded configuration (seconds → ms). */
export function taskQueueOptions(cfg: Config) {
  const ms = (seconds: number): number => Math.round(seconds * 1000);
  return {
    backend: cfg.get(taskBackend),
    tasks_path: cfg.get(tasksPath),
    concurrency: cfg.get(taskConcurrency),
    queues: cfg.get(taskQueues),
    lease: ms(cfg.get(taskLease)),
    high_water_mark: cfg.get(taskHighWaterMark),
    backpressure: cfg.get(taskBackpressure),
    defaults: {
      max_redeliveries: cfg.get(maxRedeliveries),
      result_ttl: ms(cfg.get(taskResultTtl)),
      soft_time_limit: ms(cfg.get(taskSoftTimeLimit)),
      hard_time_limit: ms(cfg.get(taskHardTimeLimit)),
    },
  } as const;
}

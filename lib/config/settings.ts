/**
 * The global settings: the ones every application has (pulsar §2.2, gunicorn's names).
 * App-specific settings are declared by each app in its own `settings.ts`.
 */
import { defineSetting } from './registry';
import { address, boolean, choice, integer, number, string } from './validators';

export type Concurrency = 'inline' | 'thread' | 'process';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

export const configFile = defineSetting<string>({
  name: 'config',
  flags: ['-c', '--config'],
  meta: 'FILE',
  default: '',
  validate: string({ nullable: true }),
  section: 'Config File',
  help: 'A .js, .ts or .json file exporting an object of settings (snake_case or kebab-case keys). Keys `<app>__<setting>` override one application only.',
});

export const bind = defineSetting<string>({
  name: 'bind',
  app: 'socket',
  flags: ['-b', '--bind'],
  meta: 'ADDRESS',
  default: '127.0.0.1:8060',
  validate: address,
  section: 'Server Socket',
  help: 'The socket to bind: HOST:PORT, [IPv6]:PORT or unix:PATH. Port 0 picks a free port (the URL is printed).',
});

export const workers = defineSetting<number>({
  name: 'workers',
  flags: ['-w', '--workers'],
  meta: 'INT',
  default: 1,
  validate: integer({ min: 1, max: 1024 }),
  section: 'Worker Processes',
  help: 'Number of worker actors per application, kept alive by its monitor. SIGTTIN/SIGTTOU add/remove one.',
});

export const concurrency = defineSetting<Concurrency>({
  name: 'concurrency',
  flags: ['--concurrency'],
  meta: 'KIND',
  default: 'process',
  validate: choice<Concurrency>(['inline', 'thread', 'process']),
  section: 'Worker Processes',
  help: 'Where workers run: process (child processes), thread (worker_threads) or inline (the arbiter event loop).',
});

export const timeout = defineSetting<number>({
  name: 'timeout',
  flags: ['-t', '--timeout'],
  meta: 'SECONDS',
  default: 30,
  validate: number({ min: 0.05 }),
  section: 'Worker Processes',
  help: 'Heartbeat timeout: a worker silent for longer (a busy loop, a deadlock) is stopped, killed after a short grace and replaced. Workers notify every clamp(timeout/4, 0.05, 30) seconds.',
});

export const gracefulTimeout = defineSetting<number>({
  name: 'graceful_timeout',
  flags: ['--graceful-timeout'],
  meta: 'SECONDS',
  default: 30,
  validate: number({ min: 0 }),
  section: 'Worker Processes',
  help: 'On stop or restart, how long a worker may finish in-flight work before it is killed.',
});

export const maxRequests = defineSetting<number>({
  name: 'max_requests',
  flags: ['--max-requests'],
  meta: 'INT',
  default: 0,
  validate: integer({ min: 0 }),
  section: 'Worker Processes',
  help: 'Recycle a worker (start a new one, then drain the old) after it served this many requests. 0 disables.',
});

export const maxRequestsJitter = defineSetting<number>({
  name: 'max_requests_jitter',
  flags: ['--max-requests-jitter'],
  meta: 'INT',
  default: 0,
  validate: integer({ min: 0 }),
  section: 'Worker Processes',
  help: 'Add a random 0..N to max_requests per worker so workers do not all recycle at once.',
});

export const backlog = defineSetting<number>({
  name: 'backlog',
  app: 'socket',
  flags: ['--backlog'],
  meta: 'INT',
  default: 2048,
  validate: integer({ min: 1, max: 65535 }),
  section: 'Server Socket',
  help: 'The listen backlog: pending connections the kernel queues.',
});

export const logLevel = defineSetting<LogLevel>({
  name: 'log_level',
  flags: ['--log-level'],
  meta: 'LEVEL',
  default: 'info',
  validate: choice<LogLevel>(['debug', 'info', 'warn', 'error', 'none']),
  section: 'Logging',
  help: 'Minimum level logged: debug, info, warn, error, or none to silence logging.',
});

export const pidfile = defineSetting<string>({
  name: 'pidfile',
  flags: ['-p', '--pidfile'],
  meta: 'FILE',
  default: '',
  validate: string({ nullable: true }),
  section: 'Server Mechanics',
  help: 'Write the arbiter pid to this file; refuse to start if it names a live process. Removed on exit.',
});

export const processName = defineSetting<string>({
  name: 'name',
  flags: ['-n', '--name'],
  meta: 'STRING',
  default: '',
  validate: string({ nullable: true }),
  section: 'Server Mechanics',
  help: 'Base of the process titles (rxpulsar-<app>-worker(<id>)). Default: rxpulsar.',
});

export const debug = defineSetting<boolean>({
  name: 'debug',
  flags: ['--debug'],
  boolean: true,
  default: false,
  validate: boolean,
  section: 'Debugging',
  help: 'Debug mode: stack traces in error responses and debug logging.',
});

export const pubsub = defineSetting<string>({
  name: 'pubsub',
  flags: ['--pubsub'],
  meta: 'URL',
  default: 'embedded',
  validate: (raw) => {
    const value = string()(raw);
    if (value === '' || value === 'embedded' || /^rediss?:\/\/[^\s]+$/.test(value)) return value || 'embedded';
    throw new Error(`expected "embedded" or a redis:// URL, got ${JSON.stringify(raw)}`);
  },
  section: 'Pub/Sub',
  help: 'Pub/sub backend for broadcasts across workers: "embedded" (through the arbiter) or redis://host:port/db (across hosts).',
});

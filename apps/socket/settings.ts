import { defineSetting } from '../../lib/config/registry';
import { boolean, integer, number } from '../../lib/config/validators';

export const keepAlive = defineSetting<number>({
  name: 'keep_alive',
  app: 'socket',
  flags: ['--keep-alive'],
  meta: 'SECONDS',
  default: 15,
  validate: number({ min: 0 }),
  section: 'Server Socket',
  help: 'Idle seconds before a server connection is closed (0: never).',
});

export const maxConnections = defineSetting<number>({
  name: 'max_connections',
  app: 'socket',
  flags: ['--max-connections'],
  meta: 'INT',
  default: 10000,
  validate: integer({ min: 1 }),
  section: 'Server Socket',
  help: 'Most connections one worker keeps open; further ones are closed at accept.',
});

export const workerHeader = defineSetting<boolean>({
  name: 'worker_header',
  app: 'wsgi',
  flags: ['--worker-header'],
  boolean: true,
  default: false,
  validate: boolean,
  section: 'HTTP',
  help: 'Name the worker that served each response in the Server header (`rxpulsar/<version> (worker <id>; pid <pid>; thread <n>)`), to see how connections spread over workers.',
});

import { defineSetting } from '../../lib/config/registry';
import { integer, number } from '../../lib/config/validators';

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

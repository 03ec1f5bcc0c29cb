import Redis from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { RedisTaskBackend } from 'rxpulsar/apps/tasks';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server';
import { backendContract, request, T0 } from './backend-contract';

let server: RedisServer;
let admin: Redis;
let counter = 0;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

backendContract('redis', async () => {
  const clock = { now: T0 };
  const prefix = `rxp:{contract${++counter}}:`;
  const backend = new RedisTaskBackend({ url: server.url, prefix, clock: () => clock.now });
  return {
    backend,
    clock,
    async expectDropped(id, ttl) {
      // Redis drops the record itself (PEXPIRE); check the expiry it was given.
      const pttl = await admin.pttl(`${prefix}t:${id}`);
      expect(pttl).toBeGreaterThan(ttl - 5000);
      expect(pttl).toBeLessThanOrEqual(ttl);
    },
    async cleanup() {
      await backend.flush();
      await backend.close();
    },
  };
});

describe('RedisTaskBackend', () => {
  it('should load its scripts again after SCRIPT FLUSH, and report Redis errors as RXP_ERR_TASK_BACKEND', async () => {
    const backend = new RedisTaskBackend({ url: server.url, prefix: 'rxp:{flush}:', clock: () => T0 });
    try {
      await firstValueFrom(backend.enqueue([request('a')], { high_water_mark: 0 }));
      await admin.script('FLUSH');
      const reply = await firstValueFrom(backend.claim({ worker: 'w', max: 1, lease: 1000, queues: ['default'] }));
      expect(reply.tasks.map((t) => t.id)).toEqual(['a']);
      await admin.set('rxp:{flush}:t:b', 'not a hash');
      await expect(firstValueFrom(backend.get('b'))).rejects.toMatchObject({ code: 'RXP_ERR_TASK_BACKEND' });
      await backend.flush();
      expect(await admin.keys('rxp:{flush}:*')).toEqual([]);
    } finally {
      await backend.close();
    }
    await expect(firstValueFrom(backend.get('a'))).rejects.toMatchObject({ code: 'RXP_ERR_TASK_BACKEND' });
  });
});

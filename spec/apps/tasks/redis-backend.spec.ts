import Redis from 'ioredis';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { defineJob, JobRegistry, RedisTaskBackend, TaskConsumer, TaskQueueClient } from 'rxpulsar/apps/tasks';
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

describe('client and consumer on Redis (real time)', () => {
  it('should follow a task through pub/sub and revoke it on unsubscribe', async () => {
    const backend = new RedisTaskBackend({ url: server.url, prefix: 'rxp:{live}:' });
    const registry = new JobRegistry([
      defineJob('steps', async (ctx, n: number) => {
        for (let i = 1; i <= n; i++) ctx.progress(i);
        return n * 10;
      }),
      defineJob('forever', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))),
    ]);
    const client = new TaskQueueClient({ backend, registry });
    const consumer = new TaskConsumer({ backend, registry, client, concurrency: 4, poll_interval: 50 }).start();
    try {
      const events = await lastValueFrom(client.queue('steps', [3]).pipe(toArray()));
      expect(events.filter((e) => e.type === 'status').map((e) => e.status)).toEqual(['PENDING', 'RECEIVED', 'STARTED', 'SUCCESS']);
      expect(events.filter((e) => e.type === 'progress').map((e) => e.progress)).toEqual([1, 2, 3]);
      expect(events[events.length - 1]).toMatchObject({ result: 30 });

      let id = '';
      const started = new Promise<void>((resolve) => {
        const sub = client.queue('forever', []).subscribe((e) => {
          id = e.id;
          if (e.type === 'status' && e.status === 'STARTED') {
            sub.unsubscribe();
            resolve();
          }
        });
      });
      await started;
      const final = await firstValueFrom(client.waitForTask(id, { timeout: 5000 }));
      expect(final).toMatchObject({ status: 'REVOKED', error: { code: 'RXP_ERR_TASK_REVOKED' } });
      expect(consumer.running).toBe(0);
    } finally {
      await lastValueFrom(consumer.stop({ timeout: 1000 }), { defaultValue: undefined });
      await backend.flush();
      await backend.close();
    }
  });
});

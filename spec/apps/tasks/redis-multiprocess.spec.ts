/**
 * Integration: producers and consumers in separate processes sharing one redis-server.
 * Child processes run `node -r ./register.js <fixture>.ts`; everything is killed in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { RedisTaskBackend, TaskQueueClient, type TaskEvent } from 'rxpulsar/apps/tasks';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(__dirname, 'fixtures');

let server: RedisServer;
let admin: Redis;
const children: ChildProcess[] = [];

interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line that matches. */
  line(pattern: RegExp, timeout?: number): Promise<string>;
  exited: Promise<number | null>;
}

function start(fixture: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, ['-r', './register.js', join(FIXTURES, fixture), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const line = out.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    line: (pattern, timeout = 30_000) =>
      new Promise<string>((resolve, reject) => {
        const found = out.split('\n').find((l) => pattern.test(l));
        if (found !== undefined) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`${fixture}: no line ${pattern} in ${timeout} ms; stderr: ${err}`)), timeout);
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then((code) => reject(new Error(`${fixture} exited (${code}) before ${pattern}; stderr: ${err}`)));
      }),
  };
}

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  admin?.disconnect();
  await server?.stop();
});

describe('task queue on Redis across processes', () => {
  it('should run 10,000 tasks from two producers on two consumers, each SUCCESS exactly once', async () => {
    const prefix = 'rxp:{mp}:';
    const backend = new RedisTaskBackend({ url: server.url, prefix });
    try {
      const consumers = [start('redis-consumer.ts', [server.url, prefix, '25', '5000', 'c1']), start('redis-consumer.ts', [server.url, prefix, '25', '5000', 'c2'])];
      await Promise.all(consumers.map((c) => c.line(/^ready$/)));
      // Count SUCCESS events as they happen: finished once 10,000 distinct tasks succeeded.
      const done = new Set<string>();
      let synced!: () => void;
      const subscribed = new Promise<void>((resolve) => (synced = resolve));
      const finished = firstValueFrom(
        backend.watch({ status: 'SUCCESS' }, false).pipe(
          filter((m) => (m.type === 'sync' && synced(), m.type === 'status')),
          filter((e) => (done.add((e as TaskEvent).id), done.size === 10_000)),
          take(1),
        ),
      );
      await subscribed;
      const producers = [start('redis-producer.ts', [server.url, prefix, '5000', '0', 't']), start('redis-producer.ts', [server.url, prefix, '5000', '5000', 't'])];
      const queued = await Promise.all(producers.map((p) => p.line(/queued/, 60_000)));
      expect(queued.map((l) => JSON.parse(l) as { queued: number })).toEqual([{ queued: 5000 }, { queued: 5000 }]);
      await finished;

      const tasks = await lastValueFrom(new TaskQueueClient({ backend }).getTasks({ job: 'mark' }));
      expect(tasks).toHaveLength(10_000);
      expect(tasks.filter((t) => t.status === 'SUCCESS')).toHaveLength(10_000);
      expect(tasks.filter((t) => t.attempt !== 1 || t.redeliveries !== 0)).toEqual([]);
      expect(new Set(tasks.map((t) => t.result)).size).toBe(10_000);
      const runs = await admin.hgetall(`${prefix}runs`);
      expect(Object.keys(runs)).toHaveLength(10_000);
      expect(Object.values(runs).filter((n) => n !== '1')).toEqual([]);
      const byWorker = tasks.reduce<Record<string, number>>((acc, t) => ((acc[t.worker ?? '?'] = (acc[t.worker ?? '?'] ?? 0) + 1), acc), {});
      expect(Object.keys(byWorker).sort()).toEqual(['c1', 'c2']);
      expect(await firstValueFrom(backend.stats())).toEqual({ ready: 0, delayed: 0, active: 0 });
      for (const c of consumers) c.process.kill('SIGTERM');
      expect(await Promise.all(consumers.map((c) => c.exited))).toEqual([0, 0]);
    } finally {
      await backend.close();
    }
  }, 120_000);

  it('should run 10,000 tasks from two producers on the worker actors of two separate server processes, each SUCCESS exactly once', async () => {
    // The TaskQueue application's own Redis key prefix: the producers queue where its workers pull.
    const prefix = 'rxp:{tasks}:';
    const backend = new RedisTaskBackend({ url: server.url, prefix });
    try {
      const env = { MARK_URL: server.url, MARK_PREFIX: prefix };
      const args = ['--task-backend', server.url, '--workers', '2', '--concurrency', 'thread', '--task-concurrency', '25', '--log-level', 'warn'];
      const servers = [start('redis-server-app.ts', args, env), start('redis-server-app.ts', args, env)];
      const actorsOf = (await Promise.all(servers.map((c) => c.line(/^ready /)))).map((line) => line.split(' ').slice(1));
      const producers = [start('redis-producer.ts', [server.url, prefix, '5000', '0', 's']), start('redis-producer.ts', [server.url, prefix, '5000', '5000', 's'])];
      const queued = await Promise.all(producers.map((p) => p.line(/queued/, 60_000)));
      expect(queued.map((l) => JSON.parse(l) as { queued: number })).toEqual([{ queued: 5000 }, { queued: 5000 }]);
      const client = new TaskQueueClient({ backend });
      // Bounded wait: poll the store until every task ended (at most 90 s).
      const deadline = Date.now() + 90_000;
      let tasks = await lastValueFrom(client.getTasks({ job: 'mark' }));
      while (tasks.some((t) => t.status !== 'SUCCESS') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        tasks = await lastValueFrom(client.getTasks({ job: 'mark' }));
      }
      expect(tasks).toHaveLength(10_000);
      expect(tasks.filter((t) => t.status === 'SUCCESS')).toHaveLength(10_000);
      expect(new Set(tasks.map((t) => t.result)).size).toBe(10_000);
      const runs = await admin.hgetall(`${prefix}runs`);
      expect(Object.keys(runs)).toHaveLength(10_000);
      expect(Object.values(runs).filter((n) => n !== '1')).toEqual([]);
      // Worker actors of both servers took part (task worker ids are `<actor id>.<restarts>`).
      const actors = new Set(tasks.map((t) => String(t.worker).split('.')[0]));
      for (const own of actorsOf) expect(own.some((aid) => actors.has(aid))).toBe(true);
      for (const s of servers) s.process.kill('SIGTERM');
      expect(await Promise.all(servers.map((s) => s.exited))).toEqual([0, 0]);
    } finally {
      await backend.close();
    }
  }, 150_000);

  it('should finish on another consumer a task whose consumer was killed -9 mid-task', async () => {
    const prefix = 'rxp:{kill}:';
    const backend = new RedisTaskBackend({ url: server.url, prefix });
    try {
      const client = new TaskQueueClient({ backend });
      const victim = start('redis-consumer.ts', [server.url, prefix, '1', '1000', 'victim'], { HOLD: '1' });
      await victim.line(/^ready$/);
      const task = await firstValueFrom(client.submit('hold', []));
      expect(await victim.line(/^holding /)).toBe(`holding ${task.id}`);
      const survivor = start('redis-consumer.ts', [server.url, prefix, '1', '1000', 'survivor']);
      await survivor.line(/^ready$/);
      victim.process.kill('SIGKILL');
      expect(await victim.exited).toBeNull();
      const final = await firstValueFrom(client.waitForTask(task.id, { timeout: 20_000 }));
      expect(final).toMatchObject({ status: 'SUCCESS', worker: 'survivor', attempt: 2, redeliveries: 1, result: survivor.process.pid });
      const history = await lastValueFrom(client.getTasks({ ids: [task.id] }).pipe(toArray()));
      expect(history[0]).toHaveLength(1);
      survivor.process.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
    } finally {
      await backend.close();
    }
  }, 60_000);
});

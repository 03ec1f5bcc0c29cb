/**
 * Task queue throughput: N no-op jobs, one consumer at concurrency 50, in one process.
 *   rxpulsar embedded  ·  rxpulsar on Redis  ·  BullMQ on the same Redis (results kept, and removed)
 * Enqueue = the producer stores all N (bulk: `submitMany` / `addBulk`); processing = a started
 * consumer runs all N and has stored every result. Each figure is the median of `--repeat` runs.
 * Starts its own redis-server (loopback, no persistence); flushes it between runs.
 *
 *   npm run bench -- tasks [--tasks 20000] [--concurrency 50] [--repeat 3]
 */
import { loadavg } from 'node:os';
import Redis from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { lastValueFrom } from 'rxjs';
import { defineJob, EmbeddedTaskBackend, JobRegistry, RedisTaskBackend, TaskConsumer, TaskQueueClient, type TaskBackend } from 'rxpulsar/apps/tasks';
import { startRedisServer } from '../spec/helpers/redis-server';
import { flag, median, table } from './harness';

const TASKS = flag('tasks', 20_000);
const CONCURRENCY = flag('concurrency', 50);
const REPEAT = flag('repeat', 3);

interface Figures {
  enqueue: number;
  process: number;
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

async function rxpulsar(makeBackend: () => TaskBackend): Promise<Figures> {
  const backend = makeBackend();
  let done = 0;
  let allRan!: () => void;
  const ran = new Promise<void>((resolve) => (allRan = resolve));
  const noop = defineJob('noop', () => {
    if (++done === TASKS) allRan();
    return null;
  });
  const registry = new JobRegistry([noop]);
  const client = new TaskQueueClient({ backend, registry, batch_size: 1000 });
  const items = Array.from({ length: TASKS }, (_, i) => ({ job: noop, args: [i] }));
  let t0 = process.hrtime.bigint();
  await lastValueFrom(client.submitMany(items));
  const enqueue = TASKS / seconds(t0);
  const consumer = new TaskConsumer({ backend, registry, client, concurrency: CONCURRENCY, worker: 'bench' });
  t0 = process.hrtime.bigint();
  consumer.start();
  await ran;
  await lastValueFrom(consumer.stop(), { defaultValue: undefined }); // the last results are stored
  const processed = TASKS / seconds(t0);
  const stats = await lastValueFrom(backend.stats());
  if (stats.ready + stats.active + stats.delayed !== 0) throw new Error(`not drained: ${JSON.stringify(stats)}`);
  await backend.close();
  return { enqueue, process: processed };
}

async function bullmq(url: string, removeOnComplete: boolean): Promise<Figures> {
  const { port } = new URL(url);
  const connection = { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  const jobs = Array.from({ length: TASKS }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete } }));
  let t0 = process.hrtime.bigint();
  await queue.addBulk(jobs);
  const enqueue = TASKS / seconds(t0);
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  t0 = process.hrtime.bigint();
  const worker = new Worker('bench', async () => null, { connection, concurrency: CONCURRENCY });
  worker.on('completed', () => {
    if (++done === TASKS) allDone();
  });
  await finished;
  const processed = TASKS / seconds(t0);
  await worker.close();
  await queue.close();
  return { enqueue, process: processed };
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  try {
    const variants: [string, () => Promise<Figures>][] = [
      ['rxpulsar embedded', () => rxpulsar(() => new EmbeddedTaskBackend())],
      ['rxpulsar redis', () => rxpulsar(() => new RedisTaskBackend({ url: server.url }))],
      ['bullmq (keep completed)', () => bullmq(server.url, false)],
      ['bullmq (removeOnComplete)', () => bullmq(server.url, true)],
    ];
    const results = new Map<string, Figures[]>();
    for (let r = 0; r < REPEAT; r++) {
      for (const [name, run] of variants) {
        await admin.flushall();
        const figures = await run();
        results.set(name, [...(results.get(name) ?? []), figures]);
        process.stderr.write(`  run ${r + 1} ${name}: enqueue ${figures.enqueue.toFixed(0)}/s, process ${figures.process.toFixed(0)}/s\n`);
      }
    }
    const med = (name: string): Figures => {
      const runs = results.get(name) ?? [];
      return { enqueue: median(runs.map((f) => f.enqueue)), process: median(runs.map((f) => f.process)) };
    };
    const base = med('bullmq (keep completed)');
    const rows = variants.map(([name]) => {
      const f = med(name);
      return {
        variant: name,
        'enqueue jobs/s': Math.round(f.enqueue),
        'process jobs/s': Math.round(f.process),
        'enqueue ×bullmq': f.enqueue / base.enqueue,
        'process ×bullmq': f.process / base.process,
      };
    });
    process.stdout.write(
      `\nTask queue: ${TASKS} no-op jobs, one consumer, concurrency ${CONCURRENCY}, median of ${REPEAT} ` +
        `(node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n\n${table(rows)}\n`,
    );
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

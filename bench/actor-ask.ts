/**
 * Request/reply round trips per second between the arbiter and one actor, for inline, thread and
 * process actors, against — in the same run — a bare MessagePort ping-pong, a bare child-process
 * IPC ping-pong (same `advanced` serialization as process actors) and piscina's `run()`.
 *
 *     npm run bench -- actor-ask [--ms 2000] [--repeat 3] [--window 1,32]
 *
 * `window` is the number of requests kept in flight (1 = pure latency).
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { firstValueFrom } from 'rxjs';
import Piscina from 'piscina';
import { arbiter, configureLogging, send, spawn, type ActorRef } from 'rxpulsar';
import { stopFdBroker } from '../lib/net/fd-broker';
import { flag, median, table, throughput } from './harness';

type Rig = { name: string; once: () => Promise<unknown>; close: () => Promise<void> };

function pingPong(post: (m: number) => void, on: (listener: (m: number) => void) => void): () => Promise<unknown> {
  // One listener resolves waiting calls in order (both channels are FIFO).
  const waiting: Array<(v: number) => void> = [];
  on((m) => waiting.shift()?.(m));
  let n = 0;
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      post(n++);
    });
}

async function bareMessagePort(): Promise<Rig> {
  const worker = new Worker(join(__dirname, 'fixtures', 'echo-port.js'));
  await new Promise((resolve) => worker.once('online', resolve));
  return { name: 'bare MessagePort', once: pingPong((m) => worker.postMessage(m), (l) => worker.on('message', l)), close: async () => void (await worker.terminate()) };
}

async function bareIpc(): Promise<Rig> {
  const child = fork(join(__dirname, 'fixtures', 'echo-ipc.js'), [], { serialization: 'advanced', execArgv: [] });
  await new Promise((resolve) => child.once('spawn', resolve));
  return { name: 'bare child IPC', once: pingPong((m) => child.send(m), (l) => child.on('message', l)), close: async () => void child.kill() };
}

async function piscina(): Promise<Rig> {
  const pool = new Piscina({ filename: join(__dirname, 'fixtures', 'echo-piscina.js'), minThreads: 1, maxThreads: 1 });
  await pool.run(0);
  let n = 0;
  return { name: 'piscina run()', once: () => pool.run(n++), close: () => pool.destroy() };
}

async function actor(concurrency: 'inline' | 'thread' | 'process'): Promise<Rig> {
  const ref: ActorRef = await firstValueFrom(spawn({ concurrency, name: `bench-${concurrency}` }));
  let n = 0;
  return {
    name: `rxpulsar ${concurrency} actor`,
    once: () => firstValueFrom(send(ref, 'echo', n++)),
    close: async () => void (await firstValueFrom(send(ref, 'stop'))),
  };
}

async function main(): Promise<void> {
  configureLogging('warn');
  const ms = flag('ms', 2000);
  const repeat = flag('repeat', 3);
  const windowArg = process.argv.includes('--window') ? process.argv[process.argv.indexOf('--window') + 1] : '1,32';
  const windows = windowArg.split(',').map(Number);
  const rigs = [await bareMessagePort(), await piscina(), await actor('thread'), await bareIpc(), await actor('process'), await actor('inline')];
  const results = new Map<string, number>();
  for (const window of windows) {
    for (const rig of rigs) await throughput(rig.once, window, 200); // warm-up
    // Rounds are interleaved (every rig once per round), so a drifting neighbour hurts all alike.
    const runs = new Map<string, number[]>(rigs.map((r) => [r.name, []]));
    for (let i = 0; i < repeat; i++) {
      for (const rig of rigs) runs.get(rig.name)!.push(await throughput(rig.once, window, ms));
    }
    for (const rig of rigs) results.set(`${rig.name}|${window}`, median(runs.get(rig.name)!));
  }
  for (const rig of rigs) await rig.close();
  const get = (name: string, w: number): number => results.get(`${name}|${w}`) ?? NaN;
  const rows = [];
  for (const w of windows) {
    for (const rig of rigs) {
      const rate = get(rig.name, w);
      const base = rig.name.includes('process') || rig.name.includes('IPC') ? get('bare child IPC', w) : get('bare MessagePort', w);
      rows.push({
        window: w,
        channel: rig.name,
        'round trips/s': Math.round(rate),
        'µs/round trip': Math.round((1e6 / rate) * 100) / 100,
        'vs bare channel': rig.name.includes('inline') ? '—' : (rate / base).toFixed(2),
        'vs piscina': rig.name.includes('thread') || rig.name.includes('MessagePort') ? (rate / get('piscina run()', w)).toFixed(2) : '—',
      });
    }
  }
  process.stdout.write(`actor-ask: median of ${repeat} × ${ms} ms, node ${process.version}\n\n${table(rows)}\n`);
  await arbiter().stop();
  stopFdBroker();
}

void main();

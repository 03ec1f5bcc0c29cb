/**
 * Request/reply round trips per second between the arbiter and one actor, for inline, thread and
 * process actors, against — in the same run — a bare MessagePort ping-pong, a bare child-process
 * IPC ping-pong in Node's default `json` serialization (the one process actors use; the ratio's
 * base), the same in `advanced` serialization (for reference) and piscina's `run()`.
 *
 *     npm run bench -- actor-ask [--ms 2000] [--repeat 3] [--window 1,32] [--no-pin]
 *
 * `window` is the number of requests kept in flight (1 = pure latency). Each rig runs in its own
 * process (see `rigMain`); the parent interleaves their rounds (every other one in reverse order)
 * and prints medians, and ratios as the median over rounds of the two rates in the same round:
 * this machine drifts between slow and fast phases, and a ratio of medians taken seconds apart
 * mixes phases.
 */
import { execFileSync, fork, spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { firstValueFrom } from 'rxjs';
import Piscina from 'piscina';
import { arbiter, configureLogging, send, spawn, type ActorRef } from 'rxpulsar';
import { benchScript, cpuSeconds, flag, median, pairedRatio, table, throughput } from './harness';

type Rig = { once: () => Promise<unknown>; close: () => Promise<void> };

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
  return { once: pingPong((m) => worker.postMessage(m), (l) => worker.on('message', l)), close: async () => void (await worker.terminate()) };
}

async function bareIpc(serialization: 'json' | 'advanced'): Promise<Rig> {
  const child = fork(join(__dirname, 'fixtures', 'echo-ipc.js'), [], { serialization, execArgv: [] });
  await new Promise((resolve) => child.once('spawn', resolve));
  return { once: pingPong((m) => child.send(m), (l) => child.on('message', l)), close: async () => void child.kill() };
}

async function piscina(): Promise<Rig> {
  const pool = new Piscina({ filename: join(__dirname, 'fixtures', 'echo-piscina.js'), minThreads: 1, maxThreads: 1 });
  await pool.run(0);
  let n = 0;
  return { once: () => pool.run(n++), close: () => pool.destroy() };
}

async function actor(concurrency: 'inline' | 'thread' | 'process'): Promise<Rig> {
  const ref: ActorRef = await firstValueFrom(spawn({ concurrency, name: `bench-${concurrency}` }));
  let n = 0;
  return {
    once: () => firstValueFrom(send(ref, 'echo', n++)),
    close: async () => void (await firstValueFrom(send(ref, 'stop'))),
  };
}

/** In the order they run in a round: each rxpulsar rig next to the baselines it is compared with. */
const RIGS = {
  'bare MessagePort': bareMessagePort,
  'rxpulsar thread actor': () => actor('thread'),
  'piscina run()': piscina,
  'bare child IPC': () => bareIpc('json'),
  'rxpulsar process actor': () => actor('process'),
  'bare child IPC, advanced': () => bareIpc('advanced'),
  'rxpulsar inline actor': () => actor('inline'),
} as const;
type RigName = keyof typeof RIGS;

/**
 * Rig process: builds one rig, then answers `run <window> <ms>` lines with `rate <n>`, until
 * `close`. Each rig runs in its own process so that the JIT feedback and the heap one rig leaves
 * behind do not slow the next: measured in one process, a thread actor lost a third of its
 * throughput just because another rig's promises had gone through the same `throughput` loop.
 */
async function rigMain(name: RigName, pin: boolean): Promise<void> {
  configureLogging('warn');
  const threadsBefore = ownThreads();
  const rig = await RIGS[name]();
  // Caller on CPU 0, the other end (the threads and processes the rig started) on CPU 1, as a
  // load generator and a server are pinned: left to the scheduler, whether the two ends share a
  // CPU or wake each other across two changed a run's round trip by up to a quarter.
  if (pin) {
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    for (const tid of ownThreads()) if (!threadsBefore.has(tid)) execFileSync('taskset', ['-p', '-c', '1', tid], { stdio: 'ignore' });
    for (const pid of childPids()) execFileSync('taskset', ['-a', '-p', '-c', '1', pid], { stdio: 'ignore' });
  }
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, window, ms] = line.split(' ');
    if (command === 'run') {
      const children = childPids().map(Number);
      const cpu0 = process.cpuUsage();
      const childCpu0 = children.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      const { rate, calls } = await throughput(rig.once, Number(window), Number(ms));
      const own = process.cpuUsage(cpu0);
      const childCpu = children.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - childCpu0;
      const cpuMicros = (own.user + own.system + childCpu * 1e6) / calls;
      process.stdout.write(`rate ${rate} cpu ${cpuMicros}\n`);
    } else if (command === 'close') break;
  }
  await rig.close();
  if (name.startsWith('rxpulsar')) await arbiter().stop();
  process.exit(0);
}

/** Thread ids of this process. */
function ownThreads(): Set<string> {
  return new Set(readdirSync('/proc/self/task'));
}

/** Pids of this process's children. */
function childPids(): string[] {
  return [...ownThreads()].flatMap((tid) => readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ').filter(Boolean));
}

/** A rig process and a way to ask it for one measurement. */
function startRig(name: RigName, pin: boolean): { ask: (command: string) => Promise<string>; child: ChildProcess } {
  const child = spawnProcess(process.execPath, [...benchScript('actor-ask'), '--rig', name, ...(pin ? ['--pin'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  // Lines that came before anyone asked wait here (the `ready` line, typically).
  const unread: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else unread.push(line);
  });
  const ask = (command: string): Promise<string> =>
    new Promise((resolve) => {
      if (command !== '') child.stdin!.write(`${command}\n`);
      const line = unread.shift();
      if (line !== undefined) resolve(line);
      else waiting.push(resolve);
    });
  return { ask, child };
}

async function main(): Promise<void> {
  const ms = flag('ms', 2000);
  const repeat = flag('repeat', 3);
  const windowArg = process.argv.includes('--window') ? process.argv[process.argv.indexOf('--window') + 1] : '1,32';
  const windows = windowArg.split(',').map(Number);
  const names = Object.keys(RIGS) as RigName[];
  const pin = !process.argv.includes('--no-pin') && availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
  // Started one after the other: their start-ups would disturb each other.
  const rigs: Array<{ name: RigName } & ReturnType<typeof startRig>> = [];
  for (const name of names) {
    const rig = { name, ...startRig(name, pin) };
    await rig.ask(''); // `ready`
    rigs.push(rig);
  }
  /** Every round's round trips/s and CPU µs per round trip, by `${rig}|${window}`. */
  const results = new Map<string, Array<{ rate: number; cpu: number }>>();
  for (const window of windows) {
    for (const rig of rigs) await rig.ask(`run ${window} 200`); // warm-up
    // Rounds are interleaved (every rig once per round), so a drifting neighbour hurts all alike;
    // every other round runs the rigs in reverse order, so a steady drift favours none of them.
    for (let i = 0; i < repeat; i++) {
      for (const rig of i % 2 === 0 ? rigs : [...rigs].reverse()) {
        const [, rate, , cpu] = (await rig.ask(`run ${window} ${ms}`)).split(' ');
        const key = `${rig.name}|${window}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key)!.push({ rate: Number(rate), cpu: Number(cpu) });
      }
    }
  }
  await Promise.all(rigs.map((rig) => new Promise((resolve) => {
    rig.child.once('exit', resolve);
    rig.child.stdin!.end('close\n');
  })));
  const samples = (name: string, w: number): Array<{ rate: number; cpu: number }> => results.get(`${name}|${w}`) ?? [];
  const rates = (name: string, w: number): number[] => samples(name, w).map((s) => s.rate);
  const ratio = (name: string, base: string, w: number): string => pairedRatio(rates(name, w), rates(base, w)).toFixed(2);
  const rows = [];
  for (const w of windows) {
    for (const name of names) {
      const rate = median(samples(name, w).map((s) => s.rate));
      const base = name.includes('process') || name.includes('IPC') ? 'bare child IPC' : 'bare MessagePort';
      rows.push({
        window: w,
        channel: name,
        'round trips/s': Math.round(rate),
        'µs/round trip': Math.round((1e6 / rate) * 100) / 100,
        'vs bare channel': name.includes('inline') ? '—' : ratio(name, base, w),
        'vs piscina': name.includes('thread') || name.includes('MessagePort') ? ratio(name, 'piscina run()', w) : '—',
        'CPU µs/round trip': Math.round(median(samples(name, w).map((s) => s.cpu)) * 100) / 100,
      });
    }
  }
  const pinning = pin ? 'caller pinned to CPU 0, the other end to CPU 1' : 'not pinned';
  process.stdout.write(`actor-ask: median of ${repeat} × ${ms} ms, node ${process.version}, one process per rig, ${pinning}\n` +
    `(ratios: median over rounds of the two rigs' rates in the same round; CPU: every thread of the rig\n` +
    `process and its child processes, per round trip)\n\n${table(rows)}\n`);
}

const rigIndex = process.argv.indexOf('--rig');
if (rigIndex !== -1) void rigMain(process.argv[rigIndex + 1] as RigName, process.argv.includes('--pin'));
else void main();

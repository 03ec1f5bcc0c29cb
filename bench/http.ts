/**
 * Hello-world HTTP benchmark: rxpulsar (WSGI and reactive handlers) against node:http, fastify
 * and a raw `net` server that answers without parsing.
 *
 *     npm run bench -- http [--duration 5] [--repeat 3] [--connections 50]
 *                            [--servers wsgi,reactive,node,fastify,net] [--pipeline 1]
 *
 * Each server runs alone, in its own process pinned to CPU 1 (`taskset -c 1`); `wrk -t1`
 * pinned to CPU 0 loads it for a bounded duration after a 1 s warm-up. Rounds interleave the
 * servers, so a noisy neighbour hurts them alike. Reported per server: median requests/s,
 * median p99 latency, server CPU per request (from /proc/<pid>/stat: user+system time during
 * the measured run) and the ratio to node:http, paired: the median over rounds of the two rates
 * of the same round (rounds alternate direction). The machine is shared: absolute numbers move
 * between runs, ratios and CPU per request much less.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, median, pairedRatio, startBenchServer, stopChild } from './harness';

interface Args {
  duration: number;
  repeat: number;
  connections: number;
  servers: string[];
  pipeline: number;
}

const ALL_SERVERS = ['app', 'wsgi', 'reactive', 'node', 'fastify', 'net'];
const LABELS: Record<string, string> = {
  app: 'rxpulsar WSGIServer app (arbiter + 1 inline worker)',
  wsgi: 'rxpulsar WSGI',
  reactive: 'rxpulsar reactive (Observable)',
  'reactive-sync': 'rxpulsar reactive (sync value)',
  node: 'node:http',
  fastify: 'fastify 5',
  net: 'net, canned (no parsing)',
};

function parseArgs(argv: string[]): Args {
  const args: Args = { duration: 5, repeat: 3, connections: 50, servers: ALL_SERVERS, pipeline: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = (): string => inline ?? argv[++i];
    switch (flag) {
      case '--duration':
        args.duration = Math.max(1, Math.min(120, Number(value())));
        break;
      case '--repeat':
        args.repeat = Math.max(1, Math.min(20, Number(value())));
        break;
      case '--connections':
        args.connections = Math.max(1, Math.min(1000, Number(value())));
        break;
      case '--servers':
        args.servers = value().split(',').filter(Boolean);
        break;
      case '--pipeline':
        args.pipeline = Math.max(1, Math.min(64, Number(value())));
        break;
      case 'http':
        break; // `npm run bench -- http` passes the bench name through
      default:
        throw new Error(`unknown option ${argv[i]} (see the header of bench/http.ts)`);
    }
  }
  return args;
}

let pipelineScript: string | undefined;
function wrkArgs(args: Args, port: number, seconds: number): string[] {
  const out = ['-c', '0', 'wrk', '-t1', `-c${args.connections}`, `-d${seconds}s`, '--latency'];
  if (args.pipeline > 1) {
    if (pipelineScript === undefined) {
      pipelineScript = join(mkdtempSync(join(tmpdir(), 'rxpulsar-bench-')), 'pipeline.lua');
      writeFileSync(
        pipelineScript,
        `init = function(args)\n  local r = {}\n  for i = 1, ${args.pipeline} do r[i] = wrk.format(nil, "/") end\n  req = table.concat(r)\nend\nrequest = function() return req end\n`,
      );
    }
    out.push('-s', pipelineScript);
  }
  out.push(`http://127.0.0.1:${port}/`);
  return out;
}

interface Sample {
  rps: number;
  p99ms: number;
  cpuPerRequest: number;
  errors: number;
}

function runWrk(args: Args, port: number, seconds: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', wrkArgs(args, port, seconds), { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`wrk exited with ${code}: ${output}`))));
  });
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

async function measure(args: Args, kind: string): Promise<Sample> {
  const { child, port } = await startBenchServer('http-servers', [kind, '0']);
  try {
    await runWrk(args, port, 1); // warm-up: JIT, connection setup
    const pid = child.pid as number;
    const before = cpuSeconds(pid);
    const output = await runWrk(args, port, args.duration);
    const after = cpuSeconds(pid);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0);
    const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(output);
    const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(output);
    const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
    return {
      rps,
      // wrk records no latency for requests a script pipelines.
      p99ms: p99 && args.pipeline === 1 ? toMs(p99[1], p99[2]) : NaN,
      cpuPerRequest: requests > 0 ? ((after - before) * 1e6) / requests : NaN,
      errors: errors ? 1 : 0,
    };
  } finally {
    await stopChild(child);
  }
}

function formatMs(ms: number): string {
  return Number.isNaN(ms) ? 'n/a' : `${ms.toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (spawnSync('wrk', ['--version']).error !== undefined) throw new Error('wrk is not installed (apt-get install wrk)');
  const samples = new Map<string, Sample[]>(args.servers.map((s) => [s, []]));
  process.stdout.write(
    `hello world, wrk -t1 -c${args.connections} -d${args.duration}s${args.pipeline > 1 ? ` pipeline ${args.pipeline}` : ''}, ` +
      `${args.repeat} round(s), server on CPU 1, wrk on CPU 0, node ${process.version}\n`,
  );
  for (let round = 1; round <= args.repeat; round++) {
    // Every other round in reverse order, so a steady drift of the machine favours no server.
    for (const kind of round % 2 === 1 ? args.servers : [...args.servers].reverse()) {
      const sample = await measure(args, kind);
      samples.get(kind)?.push(sample);
      process.stdout.write(
        `  round ${round} ${kind.padEnd(14)} ${sample.rps.toFixed(0).padStart(7)} req/s  p99 ${formatMs(sample.p99ms)}  ${sample.cpuPerRequest.toFixed(1)} µs/req${sample.errors ? '  (errors!)' : ''}\n`,
      );
    }
  }
  const base = samples.get('node')?.map((s) => s.rps);
  process.stdout.write(`\n| server | req/s (median) | p99 latency | server CPU µs/req | ratio to node:http (paired) |\n|---|---|---|---|---|\n`);
  for (const [kind, list] of samples) {
    const rps = median(list.map((s) => s.rps));
    const ratio = base === undefined ? '—' : `${pairedRatio(list.map((s) => s.rps), base).toFixed(2)}×`;
    process.stdout.write(
      `| ${LABELS[kind] ?? kind} | ${rps.toFixed(0)} | ${formatMs(median(list.map((s) => s.p99ms)))} | ${median(list.map((s) => s.cpuPerRequest)).toFixed(1)} | ${ratio} |\n`,
    );
  }
  process.stdout.write('\nShared machine: figures are as measured in this run; compare ratios and CPU per request.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

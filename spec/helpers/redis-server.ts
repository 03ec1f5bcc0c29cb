/**
 * Starts a throw-away `redis-server` (the Debian binary) for a test: loopback only, a free port,
 * no persistence (`--save '' --appendonly no`), its own temporary directory. Resolves once the
 * server answers PING. A missing binary is an error, never a skip: on CI (`process.env.CI`) the
 * message says the CI script must install it (`apt-get install -y redis-server`).
 *
 * ```ts
 * let redis: RedisServer;
 * beforeAll(async () => { redis = await startRedisServer(); });
 * afterAll(() => redis.stop());
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>/0` */
  readonly url: string;
  readonly port: number;
  /** The server process (tests that kill it on purpose). */
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, SIGKILL after 3 s) and removes its directory; idempotent. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** @default process.env.REDIS_SERVER ?? '/usr/bin/redis-server' */
  readonly binary?: string;
  /** Ms to wait for the first PONG. @default 10_000 */
  readonly timeout?: number;
  /** Extra `redis-server` arguments. */
  readonly args?: readonly string[];
}

const DEFAULT_BINARY = '/usr/bin/redis-server';

/** The redis-server binary these helpers will run, or undefined when it is missing. */
export function redisServerBinary(binary = process.env.REDIS_SERVER ?? DEFAULT_BINARY): string | undefined {
  return existsSync(binary) ? binary : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function startOnce(binary: string, options: RedisServerOptions): Promise<RedisServer | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rxp-redis-'));
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  const deadline = Date.now() + (options.timeout ?? 10_000);
  while (Date.now() < deadline && !exited) {
    if (await ping(port)) return { url: `redis://127.0.0.1:${port}/0`, port, process: child, stop };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stop();
  // The port was taken between our probe and redis-server's bind: the caller tries another.
  if (exited && /Address already in use/i.test(output)) return undefined;
  throw new Error(`redis-server did not answer PING on port ${port}:\n${output}`);
}

/** Starts a redis-server; see the module comment. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const wanted = options.binary ?? process.env.REDIS_SERVER ?? DEFAULT_BINARY;
  const binary = redisServerBinary(wanted);
  if (!binary) {
    throw new Error(
      process.env.CI
        ? `redis-server not found at ${wanted}: CI must install it (apt-get install -y redis-server) before running the tests`
        : `redis-server not found at ${wanted}: install it (apt-get install redis-server) or set REDIS_SERVER`,
    );
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const server = await startOnce(binary, options);
    if (server) return server;
  }
  throw new Error('redis-server: no free port after 5 attempts');
}

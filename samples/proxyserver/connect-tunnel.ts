/**
 * CONNECT tunnels in front of the HTTP engine.
 *
 * The engine serves CONNECT like any request (it is not one of its default methods, so it
 * answers 501) and has no hook to take the connection over: `onUpgrade` is only called for
 * `Upgrade:` requests, and the bytes after a CONNECT head are not handed to anyone. So this
 * handler looks at the first bytes of each new connection: `CONNECT ` goes to node:http's parser
 * (llhttp, strict) whose `connect` event gives the target and the bytes already sent, and the
 * tunnel is opened with `node:net`; anything else is given, bytes untouched, to the engine.
 *
 * ```
 * accepted socket ──first bytes──┬── "CONNECT " ──node:http parser──connect──▶ net tunnel ⇄ target
 *                                └── other ──────unshift──────────────────────▶ HttpServer.handle
 * ```
 *
 * Limitation (engine): only the first request of a connection can be a CONNECT; a CONNECT
 * after other requests on a keep-alive connection reaches the engine and gets its 501.
 */
import { createServer as createHttpParser, type IncomingMessage, type Server as HttpParser } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { ConnectionHandler } from 'rxpulsar/apps/socket';

export interface TunnelOptions {
  /** Which `host:port` a tunnel may reach. @default every target */
  readonly allow?: (host: string, port: number) => boolean;
  /** Milliseconds to connect to the target (then 504). @default 30000 */
  readonly connectTimeout?: number;
  /** Milliseconds a new connection may take to send its first bytes / its CONNECT head. @default 30000 */
  readonly headTimeout?: number;
  /** Called when a tunnel opens or fails (logging). */
  readonly onTunnel?: (event: { readonly target: string; readonly ok: boolean; readonly error?: string }) => void;
}

const CONNECT = Buffer.from('CONNECT ');
/** The CONNECT head must fit in this (node:http's own header limit applies as well). */
const MAX_HEAD = 16 * 1024;

/** `host:port`, `[v6]:port` → host and port; undefined when malformed (a port is required). */
export function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(authority);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2], port };
}

function reply(socket: Socket, status: string, text = ''): void {
  const body = text === '' ? '' : `${text}\n`;
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function socketOnError(): void {
  // ECONNRESET & co: 'close' follows and cleans up.
}

/**
 * A connection handler that opens CONNECT tunnels itself and gives every other connection to
 * `http` (the engine). Its counters and drain cover both.
 */
export class ConnectTunnelHandler implements ConnectionHandler {
  readonly #http: ConnectionHandler;
  readonly #options: TunnelOptions;
  readonly #parser: HttpParser;
  /** Sockets being sniffed or parsed, and open tunnels (client side and target side). */
  readonly #pending = new Set<Socket>();
  readonly #tunnels = new Set<Socket>();
  readonly #onDrain: (() => void) | undefined;
  #opened = 0;
  #draining = false;

  constructor(http: ConnectionHandler, options: TunnelOptions = {}, onDrain?: () => void) {
    this.#http = http;
    this.#options = options;
    this.#onDrain = onDrain;
    // Never listens: it only parses the CONNECT heads it is given.
    this.#parser = createHttpParser({ maxHeaderSize: MAX_HEAD });
    this.#parser.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => this.#open(request, socket, head));
    this.#parser.on('request', (_request, response) => {
      response.writeHead(400, { connection: 'close' }).end();
    });
  }

  get served(): number {
    return this.#http.served + this.#opened;
  }

  get connections(): number {
    return this.#http.connections + this.#pending.size + this.#tunnels.size / 2;
  }

  handle(socket: Socket): void {
    if (this.#draining) {
      socket.destroy();
      return;
    }
    this.#pending.add(socket);
    socket.once('close', () => this.#pending.delete(socket));
    socket.on('error', socketOnError);
    socket.setTimeout(this.#options.headTimeout ?? 30_000, () => socket.destroy());
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, CONNECT.length);
      const isConnect = seen.subarray(0, n).equals(CONNECT.subarray(0, n));
      if (isConnect && seen.length < CONNECT.length) return; // "CONN": wait for more
      // A CONNECT head is read whole before node:http gets it, so that its parser starts with
      // every byte of it in the socket's buffer (see `#toParser`).
      if (isConnect && seen.indexOf('\r\n\r\n') === -1 && seen.length <= MAX_HEAD) return;
      socket.removeListener('data', onData);
      socket.pause();
      socket.unshift(seen);
      if (isConnect) this.#toParser(socket);
      else this.#toEngine(socket);
    };
    socket.on('data', onData);
  }

  #toEngine(socket: Socket): void {
    this.#pending.delete(socket);
    socket.setTimeout(0);
    socket.removeListener('error', socketOnError);
    this.#http.handle(socket);
    // The engine found the first bytes in the socket's buffer; `pause()` above stopped the
    // flow, which adding its 'data' listener does not restart.
    socket.resume();
  }

  #toParser(socket: Socket): void {
    this.#parser.emit('connection', socket);
    // node:http reads new input straight from the handle, but the head is in the JS buffer:
    // resuming delivers it (next tick) before any new input can arrive (later, from I/O).
    socket.resume();
  }

  #open(request: IncomingMessage, client: Socket, head: Buffer): void {
    client.on('error', socketOnError);
    const target = request.url ?? '';
    const authority = parseAuthority(target);
    const report = (ok: boolean, error?: string): void => this.#options.onTunnel?.({ target, ok, ...(error === undefined ? {} : { error }) });
    if (authority === undefined) {
      report(false, 'malformed');
      reply(client, '400 Bad Request', `CONNECT needs host:port, got "${target}"`);
      return;
    }
    if (this.#options.allow !== undefined && !this.#options.allow(authority.host, authority.port)) {
      report(false, 'forbidden');
      reply(client, '403 Forbidden', `${target} is not allowed through this proxy`);
      return;
    }
    const upstream = connect({ host: authority.host, port: authority.port });
    upstream.setTimeout(this.#options.connectTimeout ?? 30_000, () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      client.setTimeout(0);
      this.#pending.delete(client);
      this.#opened++;
      this.#tunnels.add(client);
      this.#tunnels.add(upstream);
      report(true);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      // pipe(): backpressure both ways; an end on one side ends the other.
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.#tunnels.delete(client);
      this.#tunnels.delete(upstream);
      this.#checkDrained();
    };
    upstream.on('error', (error: Error & { code?: string }) => {
      if (connected) {
        close();
        return;
      }
      const timeout = error.code === 'ETIMEDOUT';
      report(false, error.code ?? error.message);
      reply(client, timeout ? '504 Gateway Timeout' : '502 Bad Gateway', `${target}: ${error.code ?? error.message}`);
    });
    upstream.once('close', () => {
      if (connected) close();
    });
    client.once('close', close);
  }

  #drainWaiters: Array<() => void> = [];

  #checkDrained(): void {
    if (!this.#draining || this.#tunnels.size > 0) return;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  /** The engine drains its connections; tunnels (opaque bytes) get until the timeout, then are cut. */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    for (const socket of this.#pending) socket.destroy();
    const tunnels =
      this.#tunnels.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            // Cut a little before the grace ends: the arbiter kills a worker still stopping at
            // `timeoutMs`, and a worker that closes its tunnels itself exits cleanly.
            const timer = setTimeout(() => {
              for (const socket of this.#tunnels) socket.destroy();
            }, timeoutMs * 0.9);
            this.#drainWaiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
    await Promise.all([this.#http.drain(timeoutMs), tunnels]);
    this.#onDrain?.();
  }
}

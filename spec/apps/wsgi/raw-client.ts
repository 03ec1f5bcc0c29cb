/**
 * Test helpers for the HTTP engine over real loopback sockets, byte for byte: a server on
 * 127.0.0.1:0 and a raw client that writes exact bytes and parses what comes back.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createHttpHandler, parseResponses, type HttpApp, type HttpOptions, type HttpServer, type InjectResponse } from 'rxpulsar/apps/wsgi';

export interface TestServer {
  readonly port: number;
  readonly handler: HttpServer;
  readonly server: Server;
  /** Destroys every socket still open and closes the listener. */
  close(): Promise<void>;
}

const openSockets = new Set<Socket>();

export async function startServer(app: HttpApp, options: HttpOptions = {}): Promise<TestServer> {
  const handler = createHttpHandler(app, { onError: () => undefined, ...options });
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
    handler.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    handler,
    server,
    close: async () => {
      for (const socket of openSockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawResult {
  readonly raw: Buffer;
  readonly text: string;
  readonly responses: readonly InjectResponse[];
  /** The server ended or closed the connection (we did not). */
  readonly closedByServer: boolean;
}

export interface RawOptions {
  /** Half-close after writing. @default false */
  readonly end?: boolean;
  /** Resolve (and close our side) once this many responses are parsed. */
  readonly responses?: number;
  /** Which requests were HEAD (their responses have no body). */
  readonly heads?: readonly boolean[];
}

/** Connects, writes `chunks` in order, and collects the answer until the server closes. */
export function rawExchange(port: number, chunks: ReadonlyArray<string | Buffer>, options: RawOptions = {}): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    openSockets.add(socket);
    const received: Buffer[] = [];
    let closedByServer = false;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      const raw = Buffer.concat(received);
      resolve({ raw, text: raw.toString('latin1'), responses: parseResponses(raw, options.heads).responses, closedByServer });
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (options.responses !== undefined && parseResponses(Buffer.concat(received), options.heads).responses.length >= options.responses) settle();
    });
    socket.on('end', () => {
      closedByServer = true;
      settle();
    });
    socket.on('close', () => {
      openSockets.delete(socket);
      settle();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
        closedByServer = true;
        settle();
      } else reject(error);
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.end === true) socket.end();
    });
  });
}

/** A client socket kept open between steps (keep-alive tests). */
export class RawClient {
  readonly socket: Socket;
  #received: Buffer[] = [];
  #waiters: Array<() => void> = [];
  /** Bytes received so far. */
  bytes = 0;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.bytes += chunk.length;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      openSockets.delete(socket);
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      openSockets.add(socket);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  get raw(): Buffer {
    return Buffer.concat(this.#received);
  }

  /** Waits until `count` responses arrived in total (or the connection closed). */
  async responses(count: number, heads?: readonly boolean[]): Promise<readonly InjectResponse[]> {
    for (;;) {
      const parsed = parseResponses(this.raw, heads).responses;
      if (parsed.length >= count || this.closed) return parsed;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Waits until `count` bytes arrived in total (or the connection closed). */
  async waitBytes(count: number): Promise<void> {
    while (this.bytes < count && !this.closed) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Waits for the server to close the connection. */
  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Lets pending I/O callbacks run (a few event-loop turns; no timers involved). */
export async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Polls `condition` across event-loop turns (bounded). */
export async function until(condition: () => boolean, maxTurns = 2000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}

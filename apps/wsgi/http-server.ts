/**
 * The HTTP engine as a `ConnectionHandler`: the socket server accepts, this serves. It owns
 * the connections of one worker, one clock (a sweep every `timerResolution` ms that checks
 * timeouts and refreshes the cached `Date` line) and the graceful drain.
 */
import type { Socket } from 'node:net';
import type { SchedulerAction, Subscription } from 'rxjs';
import type { ErrorPageOptions } from '../../operators/http/error-page';
import type { ConnectionHandler } from '../socket/connection-handler';
import type { HttpApp } from './http-app';
import { HttpConnection } from './http-connection';
import { resolveHttpOptions, type HttpOptions, type ResolvedHttpOptions } from './http-options';
import { dateLine } from './response-head';

function sweep(this: SchedulerAction<HttpServer>, server: HttpServer | undefined): void {
  if (server === undefined) return;
  if (server.tick()) this.schedule(server, server.options.timerResolution);
}

/** Serves HTTP/1.1 on the connections handed to it. See {@link createHttpHandler}. */
export class HttpServer implements ConnectionHandler {
  readonly options: ResolvedHttpOptions;
  readonly app: HttpApp;
  readonly errorPageOptions: ErrorPageOptions;
  /** `Server: …\r\n`, or '' when disabled. */
  readonly serverLine: string;
  /** `Date: …\r\n` for the current second of the clock. */
  dateLine = '';
  /** The clock (ms), refreshed by every sweep. */
  now = 0;
  draining = false;
  served = 0;
  readonly #connections = new Set<HttpConnection>();
  #dateSecond = -1;
  #sweep: Subscription | null = null;
  #drained: Array<() => void> = [];

  constructor(app: HttpApp, options: HttpOptions = {}) {
    this.app = app;
    this.options = resolveHttpOptions(options);
    this.errorPageOptions = { debug: this.options.debug, serverName: this.options.serverName };
    this.serverLine = this.options.serverName === '' ? '' : `Server: ${this.options.serverName}\r\n`;
    this.#updateClock();
  }

  get connections(): number {
    return this.#connections.size;
  }

  handle(socket: Socket): void {
    if (socket.destroyed) return;
    if (this.#sweep === null) {
      this.#updateClock();
      this.#sweep = this.options.scheduler.schedule(sweep, this.options.timerResolution, this);
    }
    let connection: HttpConnection;
    try {
      connection = new HttpConnection(this, socket);
    } catch (error) {
      this.options.onError(error, undefined);
      socket.destroy();
      return;
    }
    this.#connections.add(connection);
    if (this.draining) connection.drain();
  }

  /** @internal one sweep; returns false when the sweep should stop (no connections). */
  tick(): boolean {
    this.#updateClock();
    for (const connection of this.#connections) connection.checkTimeout(this.now);
    if (this.#connections.size === 0) {
      this.#sweep = null;
      return false;
    }
    return true;
  }

  #updateClock(): void {
    this.now = this.options.scheduler.now();
    const second = Math.floor(this.now / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.dateLine = dateLine(second * 1000);
    }
  }

  /** @internal */
  connectionClosed(connection: HttpConnection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#drained.length > 0) {
      const waiting = this.#drained;
      this.#drained = [];
      for (const resolve of waiting) resolve();
    }
  }

  drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    for (const connection of [...this.#connections]) connection.drain();
    if (this.#connections.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = this.options.scheduler.schedule(() => {
        for (const connection of [...this.#connections]) connection.socket.destroy();
      }, timeoutMs);
      this.#drained.push(() => {
        timer.unsubscribe();
        resolve();
      });
    });
  }
}

/**
 * The HTTP/1.1 engine for one worker: give it to the socket server (or to
 * `net.createServer({ allowHalfOpen: true }, (s) => handler.handle(s))`).
 *
 * ```
 * socket bytes ──llhttp──▶ request (at headers-complete) ──app.serve──▶ response ──▶ socket
 *                 keep-alive · pipelining (in order) · 100-continue · limits · timeouts
 * ```
 *
 * ## Example
 * ```ts
 * import { createServer } from 'node:net';
 * import { createHttpHandler, wsgi } from 'rxpulsar/apps/wsgi';
 * const handler = createHttpHandler(wsgi((environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return ['Hello, World!'];
 * }));
 * createServer({ allowHalfOpen: true }, (socket) => handler.handle(socket)).listen(8060, '127.0.0.1');
 * ```
 * @param app the handler (`wsgi(callable)`, `reactive(fn)`, `pipeline(operator)` or an {@link HttpApp})
 * @param options limits and knobs, see {@link HttpOptions}
 */
export function createHttpHandler(app: HttpApp, options: HttpOptions = {}): HttpServer {
  return new HttpServer(app, options);
}

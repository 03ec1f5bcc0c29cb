/**
 * The WebSocket application: routes, the handshake, keep-alive and shutdown for every connection
 * of one worker. It does not listen: the HTTP server hands it upgrade requests (after its own
 * routing and middleware ran) through {@link WebSocketApp.handleUpgrade}.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { asyncScheduler, BehaviorSubject, distinctUntilChanged, type Observable, type SchedulerLike } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { createError, type RxPulsarError } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import { WsConnection, type ConnectionOwner, type ConnectionSettings } from './connection';
import { checkHandshake, headerValue, parseProtocols, upgradeRejection, writeRejection } from './handshake';
import { KeepAlive } from './keep-alive';
import type { WsRoute } from './route';
import type { UpgradeRejection, UpgradeRequest, WebSocketAppOptions, WsRouteOptions } from './types';

const MiB = 1024 * 1024;
const kProtocol = Symbol('rxpulsar.ws.protocol');

/** The request shape ws's `handleUpgrade` reads, with the protocol we selected. */
interface WsUpgradeRequest {
  readonly headers: Record<string, string | undefined>;
  readonly method: string;
  readonly url: string;
  readonly [kProtocol]: string | false;
}

interface CompiledRoute {
  readonly route: WsRoute;
  readonly server: WebSocketServer;
  readonly settings: ConnectionSettings;
  readonly options: WsRouteOptions;
}

/**
 * Serves WebSocket routes on upgrade requests handed over by an HTTP server.
 *
 * ```
 * upgrade(req) --route?--404 --handshake ok?--400/405/426 --origin ok?--403 --101--> route(message$)
 * ```
 *
 * ## Example
 * ```ts
 * import { createServer } from 'node:http';
 * import { messages, webSocket, WebSocketApp } from 'rxpulsar/apps/ws';
 * const app = new WebSocketApp([webSocket('/echo', (m$) => m$.pipe(messages()))], { maxPayload: 64 * 1024 });
 * const server = createServer((req, res) => {
 *   const rejection = app.handleRequest(req); // plain GET on /echo → 426
 *   if (rejection) { res.writeHead(rejection.status, rejection.headers).end(rejection.body); return; }
 *   res.writeHead(404).end();
 * });
 * server.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head));
 * ```
 * @see webSocket
 */
export class WebSocketApp implements ConnectionOwner {
  readonly logger: Logger;
  readonly #routes: CompiledRoute[];
  readonly #connections = new Set<WsConnection>();
  readonly #keepAlive: KeepAlive;
  readonly #scheduler: SchedulerLike;
  readonly #drained: Array<() => void> = [];
  readonly #count = new BehaviorSubject(0);
  #served = 0;
  #closing: Promise<void> | undefined;

  /** The number of open connections, now and on every change. */
  readonly connections$: Observable<number> = this.#count.pipe(distinctUntilChanged());

  constructor(routes: readonly WsRoute[], options: WebSocketAppOptions = {}) {
    const pingInterval = options.pingInterval ?? 30_000;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#keepAlive = new KeepAlive(pingInterval, this.#scheduler);
    this.logger = options.logger ?? createLogger('ws');
    this.#routes = routes.map((route) => compile(route, options, pingInterval));
  }

  /** Open connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Messages received so far (all connections). */
  get served(): number {
    return this.#served;
  }

  /** True when a route serves the path of `url` (query ignored). */
  matches(url: string | undefined): boolean {
    return this.#find(pathOf(url)) !== undefined;
  }

  /**
   * For a request that is NOT an upgrade: the answer when it targets a WebSocket route (426
   * Upgrade Required, RFC 6455 §4.2.2), or undefined when no route has its path (the HTTP server
   * goes on with its own routing).
   */
  handleRequest(request: Pick<UpgradeRequest, 'url'>): UpgradeRejection | undefined {
    if (!this.matches(request.url)) return undefined;
    return upgradeRejection(createError('RXP_ERR_WS_UPGRADE_REQUIRED', 'no "Upgrade: websocket" header'));
  }

  /**
   * Takes over a socket whose request asked for an upgrade: answers 404/400/403/405/426 (and
   * closes) or 101 and runs the matching route. Never throws; the socket is ours from here on.
   */
  handleUpgrade(request: UpgradeRequest, socket: Duplex, head: Buffer): void {
    const rejected = this.#check(request);
    if (rejected.error !== undefined) {
      writeRejection(socket, upgradeRejection(rejected.error));
      return;
    }
    const { compiled, params, protocol } = rejected;
    const headers = request.headers;
    const wsRequest: WsUpgradeRequest = {
      method: 'GET', // checked by checkHandshake
      url: request.url ?? '/',
      headers: {
        upgrade: headerValue(headers.upgrade),
        'sec-websocket-key': headerValue(headers['sec-websocket-key'])?.trim(),
        'sec-websocket-version': headerValue(headers['sec-websocket-version']),
        'sec-websocket-protocol': headerValue(headers['sec-websocket-protocol']),
        'sec-websocket-extensions': headerValue(headers['sec-websocket-extensions']),
      },
      [kProtocol]: protocol,
    };
    try {
      compiled.server.handleUpgrade(wsRequest as unknown as Parameters<WebSocketServer['handleUpgrade']>[0], socket, head, (ws: WebSocket) => {
        // Keep what a route may read, not the server's whole request object (node's IncomingMessage
        // holds its stream state and socket): an idle connection should stay small.
        const kept: UpgradeRequest = { method: request.method, url: request.url, headers: request.headers, httpVersion: request.httpVersion };
        const connection = new WsConnection(ws, socket as Socket, kept, compiled.route.path, params, compiled.settings, this);
        connection.start(compiled.route.handler);
        // An HTTP server may have paused the socket while handing it over; ws now reads it.
        if (socket.isPaused()) socket.resume();
      });
    } catch (error) {
      // handleUpgrade throws only when a socket is upgraded twice: a bug of the caller.
      this.logger.error('upgrade failed: %s', error);
      socket.destroy();
    }
  }

  /**
   * Closes every connection with 1001 (going away) and refuses new ones with 503; connections
   * still open after `timeoutMs` are dropped. Idempotent.
   */
  close(timeoutMs = 5000): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = new Promise<void>((resolve) => {
      if (this.#connections.size === 0) {
        resolve();
        return;
      }
      this.#drained.push(resolve);
      const timer = this.#scheduler.schedule(() => {
        for (const connection of this.#connections) connection.ws.terminate();
      }, timeoutMs);
      this.#drained.push(() => timer.unsubscribe());
      for (const connection of this.#connections) connection.close(1001, 'Server going away');
    });
    this.#keepAlive.stop();
    return this.#closing;
  }

  // --- ConnectionOwner ---------------------------------------------------------------------------

  /** @internal */
  opened(connection: WsConnection): void {
    this.#connections.add(connection);
    this.#keepAlive.add(connection);
    this.#count.next(this.#connections.size);
  }

  /** @internal */
  closed(connection: WsConnection): void {
    this.#connections.delete(connection);
    this.#keepAlive.delete(connection);
    this.#count.next(this.#connections.size);
    if (this.#connections.size === 0 && this.#drained.length > 0) {
      for (const done of this.#drained.splice(0)) done();
    }
  }

  /** @internal */
  received(): void {
    this.#served++;
  }

  // --- internals ---------------------------------------------------------------------------------

  #find(pathname: string): { compiled: CompiledRoute; params: Record<string, string> } | undefined {
    for (const compiled of this.#routes) {
      const params = compiled.route.match(pathname);
      if (params !== undefined) return { compiled, params };
    }
    return undefined;
  }

  #check(
    request: UpgradeRequest,
  ):
    | { error: RxPulsarError }
    | { error?: undefined; compiled: CompiledRoute; params: Record<string, string>; protocol: string | false } {
    if (this.#closing) return { error: createError('RXP_ERR_WS_SHUTTING_DOWN') };
    const found = this.#find(pathOf(request.url));
    if (found === undefined) return { error: createError('RXP_ERR_WS_NOT_FOUND', pathOf(request.url)) };
    const error = checkHandshake(request);
    if (error !== undefined) return { error };
    const { options } = found.compiled;
    if (options.checkOrigin) {
      const origin = headerValue(request.headers.origin);
      if (!options.checkOrigin(origin, request)) return { error: createError('RXP_ERR_WS_FORBIDDEN_ORIGIN', JSON.stringify(origin ?? null)) };
    }
    return { ...found, protocol: selectProtocol(options, request) };
  }
}

function selectProtocol(options: WsRouteOptions, request: UpgradeRequest): string | false {
  const header = headerValue(request.headers['sec-websocket-protocol']);
  if (header === undefined || options.protocols === undefined) return false;
  const offered = parseProtocols(header) ?? [];
  if (typeof options.protocols === 'function') return options.protocols(offered, request) || false;
  // Server preference first: the route knows which of its protocols is best.
  for (const protocol of options.protocols) if (offered.includes(protocol)) return protocol;
  return false;
}

function compile(route: WsRoute, defaults: WebSocketAppOptions, pingInterval: number): CompiledRoute {
  const options: WsRouteOptions = { ...defaults, ...route.options };
  const sendHighWaterMark = options.sendHighWaterMark ?? MiB;
  const settings: ConnectionSettings = {
    backpressure: options.backpressure ?? 'wait',
    debug: options.debug ?? false,
    maxBufferedAmount: options.maxBufferedAmount ?? 4 * sendHighWaterMark,
    maxPayload: options.maxPayload ?? MiB,
    pingInterval,
    sendHighWaterMark,
  };
  const server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    closeTimeout: options.closeTimeout ?? 5000,
    maxPayload: settings.maxPayload,
    perMessageDeflate: options.perMessageDeflate ?? false,
    // The protocol was chosen (or not) in #check; ws would otherwise echo the client's first offer.
    handleProtocols: (_offered: Set<string>, req: unknown) => (req as WsUpgradeRequest)[kProtocol],
  } as ConstructorParameters<typeof WebSocketServer>[0]);
  return { route, server, settings, options };
}

function pathOf(url = '/'): string {
  let start = 0;
  if (!url.startsWith('/')) {
    // absolute-form (`http://host/path`), RFC 7230 §5.3.2
    const scheme = url.indexOf('://');
    start = scheme === -1 ? 0 : url.indexOf('/', scheme + 3);
    if (start === -1) return '/';
  }
  const q = url.indexOf('?', start);
  return q === -1 ? url.slice(start) : url.slice(start, q);
}

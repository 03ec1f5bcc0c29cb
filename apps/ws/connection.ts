/**
 * One WebSocket connection: bridges a `ws` socket to a route's `message$ → outgoing$` operator.
 *
 * The connection object is also the route's {@link WsContext} and the observer of `outgoing$`, and
 * the `ws` listeners are module-level functions that find it through a symbol, so an open
 * connection costs one object, one Subject and one subscription on top of ws's own state.
 *
 * @internal
 */
import type { Socket } from 'node:net';
import { Subject, type Observer, type Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { createError, isRxPulsarError, type RxPulsarError } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import type { KeepAlivePeer } from './keep-alive';
import type { BackpressurePolicy, UpgradeRequest, WsContext, WsHandler, WsIncoming, WsOutgoing } from './types';

const kConnection = Symbol('rxpulsar.ws.connection');
type Tagged<T> = T & { [kConnection]?: WsConnection };

const OPEN = 1;
/** `ws.send` options for a text frame given as (already UTF-8 validated) bytes. */
const TEXT_FRAME = Object.freeze({ binary: false });
const OPEN_EVENT: WsIncoming = Object.freeze({ type: 'open' });
/** RFC 6455 §5.5: a control frame payload is at most 125 bytes, 2 of which hold the code. */
const MAX_REASON_BYTES = 123;

/** Route options after defaults were applied. */
export interface ConnectionSettings {
  readonly backpressure: BackpressurePolicy;
  readonly debug: boolean;
  readonly maxBufferedAmount: number;
  readonly maxPayload: number;
  readonly pingInterval: number;
  readonly sendHighWaterMark: number;
}

/** What a connection tells the app that owns it. */
export interface ConnectionOwner {
  readonly logger: Logger;
  opened(connection: WsConnection): void;
  closed(connection: WsConnection): void;
  received(): void;
}

let nextId = 1;

export class WsConnection implements WsContext, KeepAlivePeer, Observer<WsOutgoing> {
  alive = true;
  dropped = 0;
  readonly id = nextId++;
  readonly incoming = new Subject<WsIncoming>();
  #failure: RxPulsarError | undefined;
  #outgoing: Subscription | undefined;
  #paused = false;
  #query: URLSearchParams | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly socket: Socket,
    readonly request: UpgradeRequest,
    readonly path: string,
    readonly params: Readonly<Record<string, string>>,
    readonly settings: ConnectionSettings,
    readonly owner: ConnectionOwner,
  ) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get extensions(): string {
    return Object.keys(this.ws.extensions).join(', ');
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  get query(): URLSearchParams {
    // Built on first use: most routes never look at it, and idle connections should stay small.
    if (this.#query === undefined) {
      const url = this.request.url ?? '/';
      const q = url.indexOf('?');
      this.#query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    }
    return this.#query;
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Wires the socket, runs the route and announces `open`. */
  start(handler: WsHandler): void {
    const ws = this.ws as Tagged<WebSocket>;
    ws[kConnection] = this;
    ws.on('message', wsOnMessage);
    ws.on('pong', wsOnPong);
    ws.on('error', wsOnError);
    ws.on('close', wsOnClose);
    this.owner.opened(this);
    try {
      this.#outgoing = handler(this.incoming, this).subscribe(this);
    } catch (error) {
      this.error(error);
      return;
    }
    this.incoming.next(OPEN_EVENT);
  }

  // --- outgoing$ observer ----------------------------------------------------------------------

  next(value: WsOutgoing): void {
    const ws = this.ws;
    if (ws.readyState !== OPEN) return;
    if (!(typeof value === 'string' || value instanceof Uint8Array)) {
      this.close(value.code ?? 1000, value.reason ?? '');
      return;
    }
    const { backpressure, sendHighWaterMark } = this.settings;
    if (backpressure !== 'wait' && ws.bufferedAmount >= sendHighWaterMark) {
      if (backpressure === 'drop') this.dropped++;
      else this.fail(createError('RXP_ERR_WS_SLOW_CONSUMER', sendHighWaterMark));
      return;
    }
    if (dispatching === this && value === dispatchingText) ws.send(dispatchingBytes as Buffer, TEXT_FRAME);
    else ws.send(value);
    if (backpressure === 'wait') {
      const buffered = ws.bufferedAmount;
      if (buffered > sendHighWaterMark) this.#throttle(buffered);
    }
  }

  error(error: unknown): void {
    if (isRxPulsarError(error) && error.wsClose !== undefined) {
      this.fail(error);
      return;
    }
    this.owner.logger.error('route %s (connection %d) failed: %s', this.path, this.id, error instanceof Error ? error.stack : error);
    const failure = createError('RXP_ERR_WS_HANDLER_FAILED');
    failure.cause = error;
    this.fail(failure, this.settings.debug && error instanceof Error ? error.message : undefined);
  }

  complete(): void {
    this.close(1000, '');
  }

  // --- closing -----------------------------------------------------------------------------------

  /** Starts the closing handshake (ws destroys the socket if the peer does not answer in time). */
  close(code: number, reason: string): void {
    if (!isValidCloseCode(code)) {
      this.error(createError('RXP_ERR_INVALID_ARGUMENT', 'close code', '1000-1003, 1007-1014 or 3000-4999', code));
      return;
    }
    this.ws.close(code, truncateReason(reason));
  }

  /**
   * Closes because of `failure` and errors `message$` with it right away (the connection is
   * doomed; the route should not wait for the closing handshake to learn it). First failure wins.
   */
  fail(failure: RxPulsarError, reason: string = failure.message): void {
    if (this.#failure !== undefined) return;
    this.#failure = failure;
    if (failure.wsClose === undefined) this.ws.terminate();
    else this.ws.close(failure.wsClose, truncateReason(reason));
    this.incoming.error(failure);
    this.#outgoing?.unsubscribe();
  }

  // --- keep-alive --------------------------------------------------------------------------------

  ping(): void {
    if (this.ws.readyState === OPEN) this.ws.ping();
  }

  expire(): void {
    this.fail(createError('RXP_ERR_WS_DEAD_PEER', this.settings.pingInterval));
  }

  // --- 'wait' backpressure -----------------------------------------------------------------------

  #throttle(buffered: number): void {
    if (buffered > this.settings.maxBufferedAmount) {
      this.fail(createError('RXP_ERR_WS_SLOW_CONSUMER', this.settings.maxBufferedAmount));
      return;
    }
    if (this.#paused) return;
    // Stop reading the peer: a request/reply route then produces no more than the peer reads.
    this.#paused = true;
    this.ws.pause();
    this.#awaitDrain();
  }

  #awaitDrain(): void {
    // A closure only while throttled: idle connections carry nothing for this.
    this.socket.once('drain', () => this.recheck());
  }

  /** Resumes reading once the buffer fell under the mark; called on socket 'drain'. */
  recheck(): void {
    if (!this.#paused || this.ws.readyState !== OPEN) return;
    if (this.ws.bufferedAmount <= this.settings.sendHighWaterMark) {
      this.#paused = false;
      this.ws.resume();
    } else if (this.socket.writableLength > 0) {
      this.#awaitDrain();
    } else {
      // The rest sits in ws's sender (permessage-deflate is compressing it): look again soon.
      setImmediate(recheckConnection, this);
    }
  }

  /** Called once by ws's 'close': ends `message$` and tears the route down. */
  finish(code: number, reason: Buffer): void {
    this.owner.closed(this);
    if (this.#failure === undefined) {
      this.incoming.next({ type: 'close', code, reason: reason.toString() });
      this.incoming.complete();
    }
    this.#outgoing?.unsubscribe();
  }

  /** Records a failure ws detected (it already sent the matching close frame). */
  protocolError(error: Error & { code?: string }): void {
    switch (error.code) {
      case 'WS_ERR_INVALID_UTF8':
        this.fail(createError('RXP_ERR_WS_INVALID_UTF8'));
        break;
      case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
        this.fail(createError('RXP_ERR_WS_MESSAGE_TOO_BIG', this.settings.maxPayload));
        break;
      default:
        this.fail(createError('RXP_ERR_WS_PROTOCOL', error.message));
    }
  }
}

// --- listeners: module-level, `this` is the ws (or socket); no closure per connection ----------

/**
 * The text message being dispatched (dispatch is synchronous, so one at a time), decoded, and
 * the bytes it came from: a route that sends that very string back while it is dispatched (echo)
 * sends the validated bytes instead of encoding it again.
 */
let dispatching: WsConnection | undefined;
let dispatchingText: string | undefined;
let dispatchingBytes: Buffer | undefined;

function wsOnMessage(this: Tagged<WebSocket>, data: Buffer, isBinary: boolean): void {
  const connection = this[kConnection] as WsConnection;
  connection.alive = true;
  connection.owner.received();
  if (isBinary) {
    connection.incoming.next({ type: 'message', data, binary: true });
    return;
  }
  const text = data.toString();
  dispatching = connection;
  dispatchingText = text;
  dispatchingBytes = data;
  connection.incoming.next({ type: 'message', data: text, binary: false });
  // Only a reply sent while the message is dispatched reuses the bytes; nothing is retained.
  dispatching = undefined;
  dispatchingText = undefined;
  dispatchingBytes = undefined;
}

function wsOnPong(this: Tagged<WebSocket>): void {
  (this[kConnection] as WsConnection).alive = true;
}

function wsOnError(this: Tagged<WebSocket>, error: Error): void {
  (this[kConnection] as WsConnection).protocolError(error);
}

function wsOnClose(this: Tagged<WebSocket>, code: number, reason: Buffer): void {
  (this[kConnection] as WsConnection).finish(code, reason);
}

function recheckConnection(connection: WsConnection): void {
  connection.recheck();
}

/** RFC 6455 §7.4: codes an endpoint may send. */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** A close reason cut to 123 bytes without splitting a UTF-8 sequence. */
export function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let out = '';
  let bytes = 0;
  for (const char of reason) {
    const size = Buffer.byteLength(char);
    if (bytes + size > MAX_REASON_BYTES) break;
    out += char;
    bytes += size;
  }
  return out;
}

/**
 * The shapes a WebSocket route works with: what the HTTP server hands over, what a route sees
 * (`message$`) and what it answers (`outgoing$`).
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { PerMessageDeflateOptions } from 'ws';
import type { Logger } from '../../lib/log';

/** A header value as HTTP parsers give it: repeated headers arrive as a list. */
export type HeaderValue = string | readonly string[] | undefined;

/**
 * The upgrade request as the HTTP server hands it over (after its routing and middleware ran).
 * `node:http`'s `IncomingMessage` fits, and so does a plain object.
 */
export interface UpgradeRequest {
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, HeaderValue>>;
  /** `'1.1'`; RFC 6455 §4.1 needs HTTP/1.1 or later. */
  readonly httpVersion: string;
  /** Optional only because node's `IncomingMessage` types it so; a missing method is refused. */
  readonly method?: string;
  /** Request target, origin-form (`/chat?room=1`) or absolute-form; missing = `/`. */
  readonly url?: string;
}

/** First value of every `message$`: the handshake is done (not, as in pulsar, the first frame). */
export interface WsOpen {
  readonly type: 'open';
}

/** A complete (reassembled) data message: text as a string, binary as a Buffer. */
export interface WsMessage {
  readonly binary: boolean;
  readonly data: string | Buffer;
  readonly type: 'message';
}

/**
 * Last value of `message$` when the connection closed without a failure: the peer's close frame
 * (or 1005 when it had none, 1006 when the TCP connection dropped without a close frame, or the
 * code the server closed with). Failures (protocol error, too big, bad UTF-8, dead peer, slow
 * consumer) error `message$` instead, with a catalog error whose `wsClose` is the code sent.
 */
export interface WsClose {
  readonly code: number;
  readonly reason: string;
  readonly type: 'close';
}

export type WsIncoming = WsOpen | WsMessage | WsClose;

/** Emitted on `outgoing$`: closes the connection with this code (1000 by default). */
export interface WsCloseCommand {
  readonly code?: number;
  readonly reason?: string;
  readonly type: 'close';
}

/** What a route emits: strings go out as text frames, bytes as binary frames. */
export type WsOutgoing = string | Buffer | Uint8Array | WsCloseCommand;

/** What a route knows about its connection. */
export interface WsContext {
  /** Bytes queued for this peer (ws's buffer plus the socket's). */
  readonly bufferedAmount: number;
  /** Outgoing messages dropped so far by `backpressure: 'drop'`. */
  readonly dropped: number;
  /** Negotiated `Sec-WebSocket-Extensions` (e.g. `permessage-deflate`), '' if none. */
  readonly extensions: string;
  /** Unique within this process. */
  readonly id: number;
  /** Values of `:name` segments of the route's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly path: string;
  /** The sub-protocol selected from the client's `Sec-WebSocket-Protocol`, '' if none. */
  readonly protocol: string;
  readonly query: URLSearchParams;
  readonly remoteAddress: string | undefined;
  readonly request: UpgradeRequest;
}

/**
 * A WebSocket route: an operator from the connection's incoming events to the messages to send.
 * Completing `outgoing$` closes with 1000; erroring it closes with the error's `wsClose` (catalog
 * errors) or 1011; the connection closing unsubscribes `outgoing$`.
 */
export type WsHandler = (message$: Observable<WsIncoming>, context: WsContext) => Observable<WsOutgoing>;

/** What to do when a peer's send buffer passes `sendHighWaterMark`. */
export type BackpressurePolicy = 'wait' | 'drop' | 'close';

/** Chooses a sub-protocol among the client's offers; `false` (or '') answers with none. */
export type ProtocolSelector = (offered: readonly string[], request: UpgradeRequest) => string | false;

/** Options of a route; a WebSocketApp's options give their defaults. */
export interface WsRouteOptions {
  /**
   * Policy when the send buffer passes `sendHighWaterMark`: `'wait'` stops reading the peer's
   * frames until the buffer drains (request/reply routes then slow down to the peer's pace) and
   * closes with 1013 past `maxBufferedAmount`; `'drop'` drops outgoing messages while above the
   * mark; `'close'` closes with 1013 at once.
   * @default 'wait'
   */
  readonly backpressure?: BackpressurePolicy;
  /** Refuses the handshake with 403 when it returns false (`origin` is the `Origin` header). */
  readonly checkOrigin?: (origin: string | undefined, request: UpgradeRequest) => boolean;
  /**
   * Milliseconds to wait for the peer's close frame before the socket is destroyed.
   * @default 5000
   */
  readonly closeTimeout?: number;
  /**
   * Put the handler's own error messages in close reasons (otherwise "Internal error").
   * @default false
   */
  readonly debug?: boolean;
  /**
   * Hard cap of the send buffer under `backpressure: 'wait'`; above it the connection closes
   * with 1013.
   * @default 4 × sendHighWaterMark
   */
  readonly maxBufferedAmount?: number;
  /**
   * Largest accepted message (after reassembly and inflation); larger ones close with 1009.
   * @default 1048576 (1 MiB; ws's own default is 100 MiB)
   */
  readonly maxPayload?: number;
  /**
   * Accept permessage-deflate when the client offers it (ws's options). Off by default: each
   * compressing connection holds zlib state (tens of KB) and CPU per message.
   * @default false
   */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * Sub-protocols this route speaks, in the server's order of preference, or a selector.
   * Omitted: no sub-protocol is ever selected.
   */
  readonly protocols?: readonly string[] | ProtocolSelector;
  /**
   * Send-buffer size (bytes) at which the backpressure policy applies.
   * @default 1048576
   */
  readonly sendHighWaterMark?: number;
}

/** Options of a WebSocketApp: route defaults plus what is shared by all connections. */
export interface WebSocketAppOptions extends WsRouteOptions {
  /** Where route failures are logged. @default createLogger('ws') */
  readonly logger?: Logger;
  /**
   * Milliseconds between pings; a peer that did not answer the previous ping (nor sent anything)
   * is dropped. 0 disables keep-alive.
   * @default 30000
   */
  readonly pingInterval?: number;
  /** Scheduler of the keep-alive timer (virtual time in tests). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** An HTTP answer to a request that cannot become a WebSocket. */
export interface UpgradeRejection {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
}

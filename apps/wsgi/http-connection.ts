/**
 * The per-connection HTTP/1.1 state machine on llhttp.
 *
 * ```
 *            first byte            headers done            body done
 *   IDLE ───────────────▶ HEADERS ─────────────▶ BODY ─────────────▶ BUSY ──last response──▶ IDLE
 *    │ keepAliveTimeout      │ headersTimeout      │ requestTimeout                          │
 *    ▼                       ▼ (408)               ▼ (408)                                   ▼
 *  CLOSING ◀──────────── error response / Connection: close / drain ◀────────────────────────┘
 * ```
 *
 * Requests are dispatched to the app at headers-complete (the body streams). Responses are
 * queued in request order (pipelining); the head of the queue writes into a per-read batch that
 * is flushed once per socket read (one `write`, or one `writev` when buffers are involved).
 * Reading pauses while the socket's write buffer is full, while an unread body piles up, and
 * while too many pipelined requests are in flight. Parser input comes straight from the socket
 * handle (`parser.consume`) until the first pause; from then on it flows through `'data'`.
 *
 * Every entry point from native code or the socket is guarded: bad input or a bug answers or
 * destroys this one connection, never the process.
 */
import type { Socket } from 'node:net';
import { createError, type RxPulsarError } from '../../lib/errors';
import { LLHTTP_PAUSE, LlhttpParser, llhttpErrorToCatalog, type LlhttpError, type LlhttpOwner } from '../../lib/http/llhttp';
import { errorResponse } from '../../operators/http/error-page';
import { HttpRequest, type ConnectionInfo } from '../../operators/http/http-request';
import { EMPTY_BODY, RequestBody, type BodyFlowControl } from '../../operators/http/request-body';
import { Exchange } from './exchange';
import type { HttpServer } from './http-server';

const PHASE_IDLE = 0;
const PHASE_HEADERS = 1;
const PHASE_BODY = 2;
const PHASE_BUSY = 3;
const PHASE_CLOSING = 4;

const PAUSE_WRITE = 1;
const PAUSE_BODY = 2;
const PAUSE_PIPELINE = 4;
const PAUSE_UPGRADE = 8;

/** After our FIN, how long the client gets to close its side before the socket is destroyed. */
const CLOSE_GRACE_MS = 5000;
/**
 * During a drain, an idle keep-alive connection is closed only once it has been idle this long:
 * a client under load sends its next request within microseconds of a response, and a FIN racing
 * that request would lose it (the client sees a reset on a reused connection). A request that
 * arrives in the meantime is served with `Connection: close`.
 */
const DRAIN_IDLE_MS = 1000;

const kConnection = Symbol('rxpulsar.http.connection');
type OwnedSocket = Socket & { [kConnection]?: HttpConnection };

const HOST_VALUE = /^[A-Za-z0-9._~!$&'()*+;=:[\]%-]*$/;

// Socket listeners are shared module-level functions (ws style): `this` is the socket.
function socketOnData(this: OwnedSocket, chunk: Buffer): void {
  this[kConnection]?.onData(chunk);
}
function socketOnEnd(this: OwnedSocket): void {
  this[kConnection]?.onEnd();
}
function socketOnClose(this: OwnedSocket): void {
  this[kConnection]?.onClose();
}
function socketOnDrain(this: OwnedSocket): void {
  this[kConnection]?.onDrain();
}
function socketOnError(this: OwnedSocket): void {
  // ECONNRESET & co: 'close' follows and cleans up. The listener keeps the error from
  // becoming an uncaught exception.
}

export class HttpConnection implements LlhttpOwner, ConnectionInfo, BodyFlowControl {
  readonly server: HttpServer;
  readonly socket: Socket;
  readonly parser: LlhttpParser;
  /** Queue of exchanges awaiting their response, in request order. */
  head: Exchange | null = null;
  tail: Exchange | null = null;
  /** The exchange whose request is being received (headers done, message not complete). */
  receiving: Exchange | null = null;
  queued = 0;
  requests = 0;
  phase = PHASE_IDLE;
  #idleSince = 0;
  /** When the current phase times out (server clock, ms). */
  deadline: number;
  messageStart = 0;
  /** No more requests are read; the socket ends once the queue is empty. */
  closing = false;
  destroyed = false;
  /** Write batch: latin1 text, preceded by `parts` when buffers are involved. */
  #out = '';
  #parts: Array<string | Buffer> | null = null;
  #outBytes = 0;
  /** Inside parser callbacks: writes wait for the end of the read. */
  #batching = false;
  #paused = 0;
  #unconsumeLater = false;
  #resumeLater = false;
  /** Input not parsed yet because the parser was paused mid-read. */
  #held: Buffer | null = null;
  /** Input is read and dropped (lingering close, or handed over). */
  #discard = false;
  #ended = false;
  #pendingError: RxPulsarError | null = null;
  #upgrade: Exchange | null = null;
  #upgradeHead: Buffer | null = null;

  constructor(server: HttpServer, socket: Socket) {
    this.server = server;
    this.socket = socket;
    this.deadline = server.now + server.options.keepAliveTimeout;
    this.#idleSince = server.now;
    this.parser = new LlhttpParser(this, 'request', { maxHeaderSize: server.options.maxHeaderSize });
    (socket as OwnedSocket)[kConnection] = this;
    socket.on('data', socketOnData);
    socket.on('end', socketOnEnd);
    socket.on('close', socketOnClose);
    socket.on('drain', socketOnDrain);
    socket.on('error', socketOnError);
    if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    // Bytes the socket already buffered must go first, through 'data'.
    if (socket.readableLength === 0) this.parser.consume(socket);
  }

  // --- ConnectionInfo --------------------------------------------------------------------------

  // Node's socket keeps the addresses once read (also after close): nothing to cache here.
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get encrypted(): boolean {
    return (this.socket as Socket & { encrypted?: boolean }).encrypted === true;
  }

  // --- llhttp callbacks ------------------------------------------------------------------------

  onHeadersComplete(
    versionMajor: number,
    versionMinor: number,
    rawHeaders: string[],
    method: string,
    url: string,
    _statusCode: number,
    _statusMessage: string,
    upgrade: boolean,
    keepAlive: boolean,
  ): number {
    this.#batching = true;
    if (this.#discard || this.closing || this.#pendingError !== null) return -1;
    try {
      return this.#dispatch(versionMajor, versionMinor, rawHeaders, method, url, upgrade, keepAlive);
    } catch (error) {
      this.#pendingError = createError('RXP_ERR_HTTP_BAD_REQUEST', error);
      this.server.options.onError(error, undefined);
      return -1;
    }
  }

  #reject(error: RxPulsarError): number {
    this.#pendingError = error;
    return -1;
  }

  #dispatch(
    versionMajor: number,
    versionMinor: number,
    rawHeaders: string[],
    method: string,
    url: string,
    upgrade: boolean,
    keepAlive: boolean,
  ): number {
    const options = this.server.options;
    // A head that arrived within one read never showed as PHASE_HEADERS: it starts now.
    if (this.phase !== PHASE_HEADERS) this.messageStart = this.server.now;
    if (versionMajor !== 1 || versionMinor > 1) {
      return this.#reject(
        versionMajor === 0
          ? createError('RXP_ERR_HTTP_BAD_REQUEST', 'HTTP/0.9 request')
          : createError('RXP_ERR_HTTP_VERSION_NOT_SUPPORTED', `${versionMajor}.${versionMinor}`),
      );
    }
    if (rawHeaders.length > options.maxHeaderCount * 2) {
      return this.#reject(createError('RXP_ERR_HTTP_HEADERS_TOO_LARGE', `${options.maxHeaderCount} fields`));
    }
    // One pass over the headers for the fields that frame the message. Only names of the
    // right length are lower-cased.
    let hosts = 0;
    let host = '';
    let contentLength = -1;
    let transferEncoding: string | undefined;
    let expect: string | undefined;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i];
      switch (name.length) {
        case 4:
          if (name.toLowerCase() === 'host') {
            hosts++;
            host = rawHeaders[i + 1];
          }
          break;
        case 6:
          if (name.toLowerCase() === 'expect') expect = rawHeaders[i + 1];
          break;
        case 14:
          // llhttp already rejected duplicates and non-digits.
          if (name.toLowerCase() === 'content-length') contentLength = Number(rawHeaders[i + 1]);
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') {
            transferEncoding = transferEncoding === undefined ? rawHeaders[i + 1] : `${transferEncoding}, ${rawHeaders[i + 1]}`;
          }
          break;
      }
    }
    const http10 = versionMinor === 0;
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1, never two, and a valid authority.
    if (hosts > 1 || (hosts === 0 && !http10) || !HOST_VALUE.test(host)) {
      return this.#reject(createError('RXP_ERR_HTTP_BAD_REQUEST', hosts > 1 ? 'duplicate Host header' : hosts === 0 ? 'missing Host header' : 'invalid Host header'));
    }
    let chunked = false;
    if (transferEncoding !== undefined) {
      // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing; in 1.1 only "chunked"
      // is understood (anything else before it → 501, chunked not last → 400).
      const codings = transferEncoding.toLowerCase().split(',').map((c) => c.trim());
      if (http10) return this.#reject(createError('RXP_ERR_HTTP_BAD_REQUEST', 'Transfer-Encoding in an HTTP/1.0 request'));
      if (codings[codings.length - 1] !== 'chunked') return this.#reject(createError('RXP_ERR_HTTP_BAD_REQUEST', 'Transfer-Encoding does not end with chunked'));
      if (codings.length !== 1) return this.#reject(createError('RXP_ERR_HTTP_TRANSFER_CODING', transferEncoding));
      chunked = true;
    }
    if (!options.methods.has(method)) return this.#reject(createError('RXP_ERR_HTTP_METHOD_NOT_IMPLEMENTED', method));
    if (contentLength > options.maxBodySize) return this.#reject(createError('RXP_ERR_HTTP_BODY_TOO_LARGE', options.maxBodySize));
    let expectContinue = false;
    if (expect !== undefined) {
      if (expect.trim().toLowerCase() !== '100-continue') return this.#reject(createError('RXP_ERR_HTTP_EXPECTATION_FAILED', expect));
      expectContinue = !http10;
    }

    const hasBody = chunked || contentLength > 0;
    const exchange = new Exchange(this, method === 'HEAD', http10, keepAlive, ++this.requests);
    const body = hasBody ? new RequestBody(chunked ? undefined : contentLength, this) : EMPTY_BODY;
    const request = new HttpRequest(method, url, versionMajor, versionMinor, rawHeaders, body, exchange);
    exchange.request = request;
    this.receiving = exchange;
    if (hasBody) {
      this.phase = PHASE_BODY;
      this.deadline = this.messageStart + options.requestTimeout;
    } else {
      this.phase = PHASE_BUSY;
      this.deadline = Infinity;
    }
    if (upgrade && method !== 'CONNECT') {
      exchange.upgrade = true;
      this.#upgrade = exchange;
      if (options.onUpgrade !== undefined) {
        // Held, not dispatched: the socket goes to onUpgrade once earlier responses are out.
        this.#enqueue(exchange);
        return 0;
      }
    }
    this.#enqueue(exchange);
    exchange.refusedBody = expectContinue && hasBody;
    try {
      this.server.app.serve(request, exchange);
    } catch (error) {
      exchange.fail(error);
    }
    // 100 Continue only when the handler did not answer at once (e.g. a 401 or 413 of its own:
    // then the client need not send the body at all, RFC 9110 §10.1.1).
    if (expectContinue && hasBody && !exchange.headersSent) exchange.continueBody();
    // llhttp can only be stopped here, between messages of one read: when too many requests
    // are in flight or too many response bytes wait, the rest of the read is held until
    // responses went out.
    if (this.queued >= options.maxPipelined && !(exchange.finished && this.queued === 1)) {
      this.pauseReading(PAUSE_PIPELINE);
      return LLHTTP_PAUSE;
    }
    if (this.#outBytes + this.socket.writableLength >= this.socket.writableHighWaterMark) {
      this.pauseReading(PAUSE_WRITE);
      return LLHTTP_PAUSE;
    }
    return 0;
  }

  #enqueue(exchange: Exchange): void {
    this.queued++;
    if (this.tail === null) {
      this.head = this.tail = exchange;
      exchange.becomeFront();
    } else {
      this.tail.next = exchange;
      this.tail = exchange;
    }
  }

  onBody(chunk: Buffer): void {
    this.#batching = true;
    const exchange = this.receiving;
    if (exchange === null || this.#discard || this.#pendingError !== null) return;
    const body = exchange.request.body$;
    if (body.received + chunk.length > this.server.options.maxBodySize) {
      // A chunked body passing the limit: llhttp cannot be stopped mid-read, so the error is
      // answered once this read has been parsed.
      this.#pendingError = createError('RXP_ERR_HTTP_BODY_TOO_LARGE', this.server.options.maxBodySize);
      return;
    }
    body.push(chunk);
  }

  onTrailers(): void {
    // Trailer fields are parsed (and limited) by llhttp but not exposed.
  }

  onMessageComplete(): void {
    this.#batching = true;
    const exchange = this.receiving;
    if (exchange === null || this.#discard || this.#pendingError !== null) return;
    this.receiving = null;
    exchange.received = true;
    exchange.expectContinue = false;
    this.phase = PHASE_BUSY;
    this.deadline = Infinity;
    if (exchange.request.body$ !== EMPTY_BODY) exchange.request.body$.end();
    if (exchange.front && exchange.finished) this.completeHead();
  }

  onExecute(result: number | LlhttpError): void {
    this.#afterExecute(result, undefined);
  }

  /** Data mode: a chunk from `'data'`. */
  onData(chunk: Buffer): void {
    if (this.#discard || this.destroyed) return;
    this.#batching = true;
    let result: number | LlhttpError;
    try {
      result = this.parser.execute(chunk);
    } catch (error) {
      this.#internalError(error);
      return;
    }
    this.#afterExecute(result, chunk);
  }

  #afterExecute(result: number | LlhttpError, chunk: Buffer | undefined): void {
    this.#batching = false;
    try {
      if (this.#unconsumeLater) {
        this.#unconsumeLater = false;
        this.parser.unconsume();
      }
      if (this.#discard || this.destroyed) {
        // Closing or handed over: whatever the parser says no longer matters.
      } else if (this.#pendingError !== null) {
        this.#failRequest(this.#pendingError);
      } else if (typeof result !== 'number' && result.code === 'HPE_PAUSED') {
        // Even an empty rest is held: llhttp completes a paused bodiless message only when
        // it executes again.
        const input = chunk ?? this.parser.currentBuffer();
        this.#held = input.subarray(result.bytesParsed);
      } else if (typeof result !== 'number') {
        if (this.closing) this.#stopParsing();
        else this.#failRequest(llhttpErrorToCatalog(result, chunk ?? this.parser.currentBuffer()));
      } else if (this.#upgrade !== null && this.#upgrade.received) {
        this.#afterUpgradeRequest(chunk === undefined ? this.parser.currentBuffer().subarray(result) : chunk.subarray(result));
      } else if (this.phase !== PHASE_HEADERS && !this.closing && this.parser.inHead) {
        // The read ended inside a request's head: the headers timeout runs from here.
        this.phase = PHASE_HEADERS;
        this.messageStart = this.server.now;
        this.deadline = this.messageStart + this.server.options.headersTimeout;
      }
      this.flush();
      if (this.#resumeLater) {
        this.#resumeLater = false;
        this.#resume();
      }
    } catch (error) {
      this.#internalError(error);
    }
  }

  // --- errors and timeouts ---------------------------------------------------------------------

  /**
   * A request the connection cannot go on after (parse error, limit, timeout): answer it with
   * its status and close. Earlier pipelined responses still go out first.
   */
  #failRequest(error: RxPulsarError): void {
    this.#pendingError = null;
    this.closing = true;
    this.phase = PHASE_CLOSING;
    this.deadline = this.server.now + CLOSE_GRACE_MS;
    this.#stopParsing();
    const exchange = this.receiving;
    this.receiving = null;
    if (exchange !== null) {
      exchange.received = true;
      exchange.request.body$.fail(error);
      if (!exchange.headersSent) {
        exchange.cancel();
        exchange.fail(error);
      }
      if (exchange.front && exchange.finished) this.completeHead();
      return;
    }
    // Before any exchange existed for this message (bad request line or headers).
    const synthetic = new Exchange(this, false, false, false, ++this.requests);
    synthetic.received = true;
    this.#enqueue(synthetic);
    synthetic.respond(errorResponse(error, undefined, this.server.errorPageOptions));
  }

  #internalError(error: unknown): void {
    this.server.options.onError(error, undefined);
    this.socket.destroy();
  }

  /** Called by the server's sweep with its clock. */
  checkTimeout(now: number): void {
    if (now < this.deadline || this.destroyed) return;
    try {
      switch (this.phase) {
        case PHASE_IDLE:
          this.endSocket();
          break;
        case PHASE_HEADERS:
        case PHASE_BODY: {
          const { headersTimeout, requestTimeout } = this.server.options;
          this.#failRequest(createError('RXP_ERR_HTTP_REQUEST_TIMEOUT', this.phase === PHASE_HEADERS ? headersTimeout : requestTimeout));
          this.flush();
          break;
        }
        case PHASE_CLOSING:
          this.socket.destroy();
          break;
        default:
          this.deadline = Infinity;
      }
    } catch (error) {
      this.#internalError(error);
    }
  }

  // --- reading ---------------------------------------------------------------------------------

  /** Gives reads back to the socket. Stopping the C++ reader is only safe outside its callbacks: inside a read it waits for the read's end. */
  #unconsume(): void {
    if (!this.parser.consumed) return;
    if (this.#batching) this.#unconsumeLater = true;
    else this.parser.unconsume();
  }

  pauseReading(reason: number): void {
    const before = this.#paused;
    this.#paused |= reason;
    if (before !== 0 || this.#discard || this.destroyed) return;
    this.#unconsume();
    this.socket.pause();
  }

  resumeReading(reason: number): void {
    if ((this.#paused & reason) === 0) return;
    this.#paused &= ~reason;
    if (this.#paused !== 0) return;
    // Never re-enter the parser from one of its own callbacks: resume after the read.
    if (this.#batching) this.#resumeLater = true;
    else this.#resume();
  }

  #resume(): void {
    if (this.#paused !== 0 || this.destroyed || this.#discard) return;
    const held = this.#held;
    if (held !== null) {
      this.#held = null;
      this.parser.resume();
      this.onData(held);
      if (this.#paused !== 0 || this.destroyed || this.#discard) return;
    }
    this.socket.resume();
  }

  pauseBody(): void {
    this.pauseReading(PAUSE_BODY);
  }

  resumeBody(): void {
    this.resumeReading(PAUSE_BODY);
  }

  /** Stop parsing requests; keep reading (and dropping) input so the close is clean. */
  #stopParsing(): void {
    if (this.#discard) return;
    this.#discard = true;
    this.#paused = 0;
    this.#unconsume();
    this.socket.resume();
  }

  // --- writing ---------------------------------------------------------------------------------

  appendText(text: string): void {
    this.#out += text;
    this.#outBytes += text.length;
  }

  appendBytes(bytes: Buffer): void {
    this.#outBytes += bytes.length;
    this.#parts ??= [];
    if (this.#out !== '') {
      this.#parts.push(this.#out);
      this.#out = '';
    }
    this.#parts.push(bytes);
  }

  /** Writes now unless a read is being parsed (its end flushes the whole batch at once). */
  flushSoon(): void {
    if (!this.#batching) this.flush();
  }

  flush(): void {
    const out = this.#out;
    const parts = this.#parts;
    if (out === '' && parts === null) return;
    this.#out = '';
    this.#parts = null;
    this.#outBytes = 0;
    const socket = this.socket;
    if (this.destroyed || !socket.writable) return;
    if (parts === null) {
      socket.write(out, 'latin1');
    } else {
      socket.cork();
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (typeof part === 'string') socket.write(part, 'latin1');
        else socket.write(part);
      }
      if (out !== '') socket.write(out, 'latin1');
      socket.uncork();
    }
    if (socket.writableNeedDrain) this.pauseReading(PAUSE_WRITE);
    // Paused for a batch that then went straight into the kernel: no 'drain' will come.
    else if ((this.#paused & PAUSE_WRITE) !== 0) this.resumeReading(PAUSE_WRITE);
  }

  /** True while the socket's write buffer is full. */
  get writeBlocked(): boolean {
    return (this.#paused & PAUSE_WRITE) !== 0 || this.socket.writableNeedDrain;
  }

  onDrain(): void {
    if (this.destroyed) return;
    try {
      this.resumeReading(PAUSE_WRITE);
      this.head?.notifyDrain();
    } catch (error) {
      this.#internalError(error);
    }
  }

  // --- the response queue ----------------------------------------------------------------------

  /** An exchange's response is complete. */
  exchangeDone(exchange: Exchange): void {
    this.server.served++;
    // Answered before the body was read: drop the rest of the body as it arrives.
    if (!exchange.received) exchange.request.body$.discard();
    if (exchange.front && (exchange.received || exchange.broken || exchange.closeAfter)) this.completeHead();
    this.flushSoon();
  }

  /** Retires finished exchanges at the head of the queue and promotes the next one. */
  completeHead(): void {
    for (;;) {
      const exchange = this.head;
      if (exchange === null) break;
      if (exchange.broken) {
        // Failed after its head went out: the only honest end is to drop the connection.
        this.flush();
        this.socket.destroy();
        return;
      }
      if (!exchange.aborted && !(exchange.finished && (exchange.received || exchange.closeAfter))) break;
      if (!exchange.received && !exchange.aborted) {
        // Answered and closing before its body arrived: the body is not waited for.
        exchange.received = true;
        if (this.receiving === exchange) this.receiving = null;
      }
      this.head = exchange.next;
      exchange.next = null;
      if (this.head === null) this.tail = null;
      this.queued--;
      if (exchange.closeAfter) {
        this.#dropQueue();
        this.endSocket();
        return;
      }
      this.head?.becomeFront();
    }
    if (this.queued < this.server.options.maxPipelined) this.resumeReading(PAUSE_PIPELINE);
    const head = this.head;
    if (head !== null) {
      if (head.upgrade && this.#upgradeHead !== null) this.#handover(head, this.#upgradeHead);
      return;
    }
    if (this.closing || this.server.draining) {
      if (this.receiving === null && this.phase !== PHASE_HEADERS) this.endSocket();
    } else if (this.phase === PHASE_BUSY) {
      this.phase = PHASE_IDLE;
      this.#idleSince = this.server.now;
      this.deadline = this.server.now + this.server.options.keepAliveTimeout;
    }
  }

  #dropQueue(): void {
    // Requests pipelined after a response that closes the connection are not answered; the
    // client retries them (RFC 9112 §9.3.2).
    let exchange = this.head;
    this.head = this.tail = null;
    this.queued = 0;
    while (exchange !== null) {
      const next = exchange.next;
      exchange.next = null;
      exchange.abort();
      exchange = next;
    }
    if (this.receiving !== null) {
      this.receiving.abort();
      this.receiving = null;
    }
  }

  /** Ends our side once everything is written; input is drained until the client closes. */
  endSocket(): void {
    if (this.#ended || this.destroyed) return;
    this.#ended = true;
    this.closing = true;
    this.phase = PHASE_CLOSING;
    this.deadline = this.server.now + Math.min(CLOSE_GRACE_MS, this.server.options.keepAliveTimeout);
    this.#stopParsing();
    this.flush();
    this.socket.end();
  }

  /**
   * Graceful drain. Busy connections: every response now says `Connection: close`
   * (server.draining) and the socket ends after it. Idle keep-alive connections end at a sweep
   * once they have been idle for DRAIN_IDLE_MS, not synchronously: a client may have sent its
   * next request already, and a FIN racing it would lose that request (ECONNRESET at the client).
   * A request arriving before is served, with `Connection: close`.
   */
  drain(): void {
    if (this.destroyed) return;
    if (this.head === null && this.receiving === null && this.phase !== PHASE_HEADERS) {
      // The server clock advances once per sweep, so `#idleSince` may be up to one resolution
      // early: add it, so the connection has really been idle for DRAIN_IDLE_MS.
      this.deadline = Math.min(this.deadline, this.#idleSince + DRAIN_IDLE_MS + this.server.options.timerResolution);
    }
  }

  // --- upgrade ---------------------------------------------------------------------------------

  #afterUpgradeRequest(rest: Buffer): void {
    const exchange = this.#upgrade;
    if (exchange === null) return;
    if (this.server.options.onUpgrade === undefined) {
      // Served as a plain request (the response says close): the parser stays in upgrade mode,
      // so nothing after it on this connection can be read.
      this.#stopParsing();
      return;
    }
    this.#upgradeHead = Buffer.from(rest);
    this.pauseReading(PAUSE_UPGRADE);
    if (exchange.front) this.#handover(exchange, this.#upgradeHead);
  }

  #handover(exchange: Exchange, head: Buffer): void {
    const onUpgrade = this.server.options.onUpgrade;
    if (onUpgrade === undefined) return;
    this.flush();
    const socket = this.socket;
    this.#detach();
    this.server.served++;
    try {
      onUpgrade(exchange.request, socket, head);
    } catch (error) {
      this.server.options.onError(error, exchange.request);
      socket.destroy();
    }
  }

  /** Lets go of the socket (upgrade): no listener, no parser, not counted any more. */
  #detach(): void {
    this.destroyed = true;
    this.#discard = true;
    const socket = this.socket as OwnedSocket;
    socket.removeListener('data', socketOnData);
    socket.removeListener('end', socketOnEnd);
    socket.removeListener('close', socketOnClose);
    socket.removeListener('drain', socketOnDrain);
    socket.removeListener('error', socketOnError);
    this.head = this.tail = this.receiving = null;
    this.#release();
  }

  // --- socket events ---------------------------------------------------------------------------

  onEnd(): void {
    if (this.destroyed) return;
    try {
      if (this.#ended) {
        this.socket.destroy();
        return;
      }
      this.closing = true;
      this.#stopParsing();
      const partial = this.receiving;
      if (partial !== null) {
        this.receiving = null;
        partial.abort();
      }
      if (this.server.options.allowHalfOpen && this.head !== null) {
        // A client that half-closed after its requests still reads: finish the responses.
        this.completeHead();
        return;
      }
      // Like node:http: the client's FIN means it is gone; its handlers are unsubscribed.
      this.#dropQueue();
      this.endSocket();
    } catch (error) {
      this.#internalError(error);
    }
  }

  onClose(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.#discard = true;
    this.#out = '';
    this.#parts = null;
    this.#dropQueue();
    this.#release();
  }

  /** Unlinks the socket, frees the parser and tells the server (closed or handed over). */
  #release(): void {
    delete (this.socket as OwnedSocket)[kConnection];
    this.parser.destroy();
    this.server.connectionClosed(this);
  }
}

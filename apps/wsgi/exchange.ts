/**
 * One request/response slot of a connection. It serializes the response (head + body framing)
 * and hands bytes to the connection, or holds them while an earlier pipelined response is
 * still being written. It is also the request's context (connection info, abort signal).
 */
import { isObservable, type Subscription, type Unsubscribable } from 'rxjs';
import { Readable } from 'node:stream';
import { createError } from '../../lib/errors';
import { errorResponse } from '../../operators/http/error-page';
import type { OutgoingHeaders } from '../../operators/http/headers';
import { statusOf } from '../../operators/http/http-error';
import type { ConnectionInfo, HttpRequest, RequestContext } from '../../operators/http/http-request';
import { isBodyChunk, type BodyChunk, type HttpResponseLike } from '../../operators/http/http-response';
import type { HttpExchange } from './http-app';
import type { HttpConnection } from './http-connection';
import { headerScan, statusHasNoBody, statusLine, type HeaderPairs } from './response-head';

const RESP_NONE = 0;
const RESP_STREAMING = 1;
const RESP_DONE = 2;

/** Bytes a non-head response may hold before `write` asks its producer to wait. */
const PENDING_HIGH_WATER_MARK = 64 * 1024;
/** Buffers up to this size are merged into the latin1 string of the write batch. */
const MERGE_LIMIT = 2048;

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function byteLengthOf(chunk: BodyChunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
}

function isReadable(body: object): body is Readable {
  return body instanceof Readable || (typeof (body as Readable).pipe === 'function' && typeof (body as Readable).on === 'function');
}

function isAsyncIterable(body: object): body is AsyncIterable<BodyChunk> {
  return typeof (body as AsyncIterable<BodyChunk>)[Symbol.asyncIterator] === 'function';
}

export class Exchange implements HttpExchange, RequestContext {
  readonly conn: HttpConnection;
  request!: HttpRequest;
  /** Next exchange in the connection's queue. */
  next: Exchange | null = null;
  /** At the head of the queue: bytes go straight to the connection. */
  front = false;
  /** The whole request has been received. */
  received = false;
  /** An upgrade request held for `onUpgrade`. */
  upgrade = false;
  /** `Expect: 100-continue` not answered yet. */
  expectContinue = false;
  /**
   * `Expect: 100-continue` and no 100 sent yet: a response now means the client may never
   * send the body, so the connection closes after it instead of waiting for the body.
   */
  refusedBody = false;
  /** The response decided to close the connection. */
  closeAfter = false;
  /** Failed after its head was produced: the connection dies when it reaches the head. */
  broken = false;
  aborted = false;
  readonly keepAliveRequested: boolean;
  readonly isHead: boolean;
  readonly http10: boolean;
  /** 1-based position of the request on its connection. */
  readonly index: number;
  #state = RESP_NONE;
  #chunked = false;
  #noBody = false;
  #declaredLength = -1;
  #written = 0;
  #pendingText = '';
  #pendingParts: Array<string | Buffer> | null = null;
  #pendingBytes = 0;
  #teardown: Unsubscribable | (() => void) | null = null;
  #drain: (() => void) | null = null;
  #abortController: AbortController | undefined;
  #failing = false;

  constructor(conn: HttpConnection, isHead: boolean, http10: boolean, keepAlive: boolean, index: number) {
    this.conn = conn;
    this.isHead = isHead;
    this.http10 = http10;
    this.keepAliveRequested = keepAlive;
    this.index = index;
  }

  // --- RequestContext --------------------------------------------------------------------------

  get connection(): ConnectionInfo {
    return this.conn;
  }

  abortSignal(): AbortSignal {
    if (this.#abortController === undefined) {
      this.#abortController = new AbortController();
      if (this.aborted) this.#abortController.abort(createError('RXP_ERR_HTTP_CLIENT_CLOSED', 'response'));
    }
    return this.#abortController.signal;
  }

  // --- HttpExchange ----------------------------------------------------------------------------

  get headersSent(): boolean {
    return this.#state !== RESP_NONE;
  }

  get finished(): boolean {
    return this.#state === RESP_DONE;
  }

  onAbort(teardown: Unsubscribable | (() => void)): void {
    if (this.aborted) {
      runTeardown(teardown);
      return;
    }
    if (this.#state === RESP_DONE) return;
    this.#teardown = teardown;
  }

  onDrain(callback: () => void): void {
    this.#drain = callback;
  }

  /** A three-digit status, else the exchange fails with `RXP_ERR_HTTP_INVALID_STATUS`. */
  #validStatus(status: number): boolean {
    if (Number.isInteger(status) && status >= 100 && status <= 999) return true;
    this.fail(createError('RXP_ERR_HTTP_INVALID_STATUS', status));
    return false;
  }

  respond(response: HttpResponseLike): void {
    if (this.#state !== RESP_NONE || this.aborted) return;
    const status = response.status ?? 200;
    if (!this.#validStatus(status)) return;
    const body = response.body;
    if (body === null || body === undefined || isBodyChunk(body)) {
      this.sendComplete(statusLine(status), status, response.headers, undefined, body ?? null);
    } else if (this.isHead) {
      // HEAD: the same head as GET would get, and the body is never produced.
      if (isReadable(body)) body.destroy();
      if (this.startStream(statusLine(status), status, response.headers, undefined)) this.end();
    } else if (isObservable(body)) {
      this.#streamObservable(status, response.headers, body);
    } else if (isReadable(body)) {
      this.#streamReadable(status, response.headers, body);
    } else if (isAsyncIterable(body)) {
      this.#streamIterable(status, response.headers, body);
    } else {
      this.fail(createError('RXP_ERR_INVALID_ARGUMENT', 'response body', 'a string, bytes, Observable, Readable or AsyncIterable', typeof body));
    }
  }

  writeHead(status: number, headers?: OutgoingHeaders | HeaderPairs, reason?: string): void {
    if (this.#state !== RESP_NONE || this.aborted || !this.#validStatus(status)) return;
    const pairs = Array.isArray(headers) ? (headers as HeaderPairs) : undefined;
    const record = pairs === undefined ? (headers as OutgoingHeaders | undefined) : undefined;
    this.startStream(statusLine(status, reason), status, record, pairs);
  }

  write(chunk: BodyChunk): boolean {
    if (this.#state === RESP_DONE || this.aborted) return false;
    if (this.#state === RESP_NONE) this.startStream(statusLine(200), 200, undefined, undefined);
    if (this.#state !== RESP_STREAMING) return false;
    const length = byteLengthOf(chunk);
    if (length === 0 || this.#noBody) return true;
    if (this.#declaredLength >= 0 && this.#written + length > this.#declaredLength) {
      // More bytes than the Content-Length the handler declared: sending them would desync
      // the client's framing (response smuggling), so the connection is dropped instead.
      this.#breakAfterHead(createError('RXP_ERR_HTTP_INVALID_HEADER', 'Content-Length', `body longer than ${this.#declaredLength} bytes`));
      return false;
    }
    this.#written += length;
    if (this.#chunked) {
      this.emitText(`${length.toString(16)}\r\n`);
      this.#emitData(chunk, length);
      this.emitText('\r\n');
    } else {
      this.#emitData(chunk, length);
    }
    this.conn.flushSoon();
    return this.front ? !this.conn.writeBlocked : this.#pendingBytes < PENDING_HIGH_WATER_MARK;
  }

  end(chunk?: BodyChunk): void {
    if (this.#state === RESP_DONE || this.aborted) return;
    if (this.#state === RESP_NONE) {
      this.sendComplete(statusLine(200), 200, undefined, undefined, chunk ?? null);
      return;
    }
    if (chunk !== undefined) this.write(chunk);
    if (this.#state !== RESP_STREAMING) return;
    if (!this.#noBody) {
      if (this.#chunked) this.emitText('0\r\n\r\n');
      else if (this.#declaredLength >= 0 && this.#written < this.#declaredLength) {
        this.#breakAfterHead(createError('RXP_ERR_HTTP_INVALID_HEADER', 'Content-Length', `body shorter than ${this.#declaredLength} bytes`));
        return;
      }
    }
    this.#finish();
  }

  fail(error: unknown): void {
    const server = this.conn.server;
    if (this.#state === RESP_DONE || this.aborted) {
      if (!this.aborted) server.options.onError(error, this.request);
      return;
    }
    if (this.#state === RESP_STREAMING) {
      this.#breakAfterHead(error);
      return;
    }
    this.#teardown = null;
    if (statusOf(error) >= 500) server.options.onError(error, this.request);
    if (this.#failing) {
      // The error page itself failed: last resort, a fixed plain 500.
      this.sendComplete(statusLine(500), 500, { 'content-type': 'text/plain' }, undefined, 'Internal Server Error\n');
      return;
    }
    this.#failing = true;
    let response: HttpResponseLike;
    try {
      const custom = server.options.errorPage;
      response = custom !== undefined ? custom(error, this.request) : errorResponse(error, this.request, server.errorPageOptions);
    } catch (pageError) {
      server.options.onError(pageError, this.request);
      response = errorResponse(error, this.request, server.errorPageOptions);
    }
    this.respond(response);
  }

  // --- serialization ---------------------------------------------------------------------------

  /**
   * Builds the head; `length` is the body length when known (-1: streamed). Returns null and
   * fails the exchange when the handler's headers are invalid.
   */
  buildHead(line: string, status: number, record: OutgoingHeaders | undefined, pairs: HeaderPairs | undefined, length: number): string | null {
    const scan = headerScan;
    scan.reset();
    if (pairs !== undefined) scan.addPairs(pairs);
    else if (record !== undefined) scan.addRecord(record);
    if (scan.error !== null) {
      const error = scan.error;
      scan.reset();
      this.fail(error);
      return null;
    }
    const conn = this.conn;
    const server = conn.server;
    let head = line;
    if (!scan.hasServer) head += server.serverLine;
    if (!scan.hasDate) head += server.dateLine;
    head += scan.text;
    // A closing connection (parse error queued behind, client half-closed, server draining)
    // says so on its last response only: earlier pipelined ones still go out.
    let keepAlive = this.keepAliveRequested && !scan.close && !((server.draining || conn.closing) && this.next === null);
    const maxRequests = server.options.maxRequestsPerConnection;
    if (maxRequests > 0 && this.index >= maxRequests) keepAlive = false;
    if (this.upgrade) keepAlive = false; // an upgrade request served as plain HTTP: no more requests
    if (this.refusedBody && !this.received) keepAlive = false;
    const noBody = statusHasNoBody(status);
    this.#noBody = noBody || this.isHead;
    if (noBody) {
      // 1xx/204/304: no framing headers at all.
    } else if (scan.contentLength >= 0) {
      if (length >= 0 && length !== scan.contentLength && !this.isHead) {
        scan.reset();
        this.fail(createError('RXP_ERR_HTTP_INVALID_HEADER', 'Content-Length', `${scan.contentLength} for a body of ${length} bytes`));
        return null;
      }
      this.#declaredLength = scan.contentLength;
      head += `Content-Length: ${scan.contentLength}\r\n`;
    } else if (length >= 0) {
      head += `Content-Length: ${length}\r\n`;
    } else if (!this.http10) {
      head += 'Transfer-Encoding: chunked\r\n';
      this.#chunked = true;
    } else {
      // HTTP/1.0 has no chunking: the body ends when the connection closes.
      keepAlive = false;
    }
    if (!keepAlive) {
      head += 'Connection: close\r\n';
      this.closeAfter = true;
    } else if (this.http10) {
      head += 'Connection: keep-alive\r\n';
    }
    scan.reset();
    return `${head}\r\n`;
  }

  /** A whole response in one go: head and body, merged into the connection's write batch. */
  sendComplete(
    line: string,
    status: number,
    record: OutgoingHeaders | undefined,
    pairs: HeaderPairs | undefined,
    body: BodyChunk | readonly BodyChunk[] | null,
  ): void {
    if (this.#state !== RESP_NONE || this.aborted) return;
    let length = 0;
    let single: BodyChunk | null = null;
    let list: readonly BodyChunk[] | null = null;
    let ascii = true;
    if (body === null) {
      // empty
    } else if (typeof body === 'string') {
      length = Buffer.byteLength(body);
      ascii = length === body.length;
      single = body;
    } else if (body instanceof Uint8Array) {
      length = body.byteLength;
      single = body;
    } else {
      list = body;
      for (let i = 0; i < list.length; i++) length += byteLengthOf(list[i]);
    }
    const head = this.buildHead(line, status, record, pairs, length);
    if (head === null) return;
    this.#state = RESP_STREAMING;
    this.emitText(head);
    if (!this.#noBody && length > 0) {
      if (single !== null) {
        if (typeof single === 'string' && ascii) this.emitText(single);
        else this.#emitData(single, length);
      } else if (list !== null) {
        for (let i = 0; i < list.length; i++) this.#emitData(list[i], byteLengthOf(list[i]));
      }
    }
    this.#finish();
  }

  /** Produces the head of a streamed response (the body follows with `write`/`end`). */
  startStream(line: string, status: number, record: OutgoingHeaders | undefined, pairs: HeaderPairs | undefined): boolean {
    if (this.#state !== RESP_NONE || this.aborted) return false;
    const head = this.buildHead(line, status, record, pairs, -1);
    if (head === null) return false;
    this.#state = RESP_STREAMING;
    this.emitText(head);
    this.conn.flushSoon();
    return true;
  }

  /** Appends latin1 text (heads, framing, ASCII bodies). */
  emitText(text: string): void {
    if (this.front) {
      this.conn.appendText(text);
    } else {
      this.#pendingText += text;
      this.#pendingBytes += text.length;
    }
  }

  #emitBytes(bytes: Buffer): void {
    if (this.front) {
      this.conn.appendBytes(bytes);
      return;
    }
    this.#pendingParts ??= [];
    if (this.#pendingText !== '') {
      this.#pendingParts.push(this.#pendingText);
      this.#pendingText = '';
    }
    this.#pendingParts.push(bytes);
    this.#pendingBytes += bytes.length;
  }

  #emitData(chunk: BodyChunk, length: number): void {
    if (typeof chunk === 'string') {
      if (length === chunk.length) this.emitText(chunk);
      else this.#emitBytes(Buffer.from(chunk, 'utf8'));
    } else if (length <= MERGE_LIMIT) {
      // Small buffers join the batch's single latin1 string: one write, no Buffer juggling.
      this.emitText(asBuffer(chunk).toString('latin1'));
    } else {
      this.#emitBytes(asBuffer(chunk));
    }
  }

  /** Called by the connection when this exchange reaches the head of the queue. */
  becomeFront(): void {
    this.front = true;
    const parts = this.#pendingParts;
    if (parts !== null) {
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (typeof part === 'string') this.conn.appendText(part);
        else this.conn.appendBytes(part);
      }
      this.#pendingParts = null;
    }
    if (this.#pendingText !== '') {
      this.conn.appendText(this.#pendingText);
      this.#pendingText = '';
    }
    this.#pendingBytes = 0;
    if (this.expectContinue) this.continueBody();
    this.notifyDrain();
  }

  /** Answers `Expect: 100-continue` now, or when this exchange reaches the head of the queue. */
  continueBody(): void {
    if (this.received || this.#state !== RESP_NONE || this.aborted) {
      this.expectContinue = false;
      return;
    }
    if (!this.front) {
      this.expectContinue = true;
      return;
    }
    this.expectContinue = false;
    this.refusedBody = false;
    this.conn.appendText('HTTP/1.1 100 Continue\r\n\r\n');
    this.conn.flushSoon();
  }

  /** The socket (or the queue ahead) has room again. */
  notifyDrain(): void {
    const drain = this.#drain;
    if (drain !== null) {
      this.#drain = null;
      drain();
    }
  }

  #finish(): void {
    this.#state = RESP_DONE;
    this.#teardown = null;
    this.#drain = null;
    this.conn.exchangeDone(this);
  }

  #breakAfterHead(error: unknown): void {
    this.conn.server.options.onError(error, this.request);
    this.broken = true;
    this.closeAfter = true;
    const teardown = this.#teardown;
    this.#teardown = null;
    this.#state = RESP_DONE;
    if (teardown !== null) runTeardown(teardown);
    this.conn.exchangeDone(this);
  }

  /** Cancels the producer (the request failed); the exchange may still answer with an error. */
  cancel(): void {
    const teardown = this.#teardown;
    this.#teardown = null;
    if (teardown !== null) runTeardown(teardown);
  }

  /** The client is gone: cancel whatever produces the response. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const error = createError('RXP_ERR_HTTP_CLIENT_CLOSED', this.#state === RESP_DONE ? 'request' : 'response');
    if (!this.received) this.request?.body$.fail(error);
    const teardown = this.#teardown;
    const drain = this.#drain;
    this.#teardown = null;
    this.#drain = null;
    this.#pendingParts = null;
    this.#pendingText = '';
    if (teardown !== null) runTeardown(teardown);
    this.#abortController?.abort(error);
    // A producer waiting for room wakes up, sees `aborted` and stops.
    if (drain !== null) drain();
  }

  // --- streamed bodies -------------------------------------------------------------------------

  #streamObservable(status: number, headers: OutgoingHeaders | undefined, body$: import('rxjs').Observable<BodyChunk>): void {
    // Chunks emitted synchronously during subscribe are collected: a body that also completes
    // synchronously (`of('a', 'b')`) goes out whole, with a Content-Length.
    let sync = true;
    let collected: BodyChunk[] | null = [];
    let completed = false;
    const subscription: Subscription = body$.subscribe({
      next: (chunk) => {
        if (!isBodyChunk(chunk)) {
          this.fail(createError('RXP_ERR_INVALID_ARGUMENT', 'body chunk', 'a string or bytes', typeof chunk));
          return;
        }
        if (collected !== null) collected.push(chunk);
        else this.write(chunk);
      },
      error: (error: unknown) => this.fail(error),
      complete: () => {
        if (sync) completed = true;
        else this.end();
      },
    });
    sync = false;
    if (this.#state !== RESP_NONE || this.aborted) return;
    const chunks = collected;
    collected = null;
    if (completed) {
      this.sendComplete(statusLine(status), status, headers, undefined, chunks);
      return;
    }
    this.#teardown = subscription;
    if (!this.startStream(statusLine(status), status, headers, undefined)) {
      subscription.unsubscribe();
      return;
    }
    for (let i = 0; i < chunks.length; i++) this.write(chunks[i]);
  }

  #streamReadable(status: number, headers: OutgoingHeaders | undefined, body: Readable): void {
    if (!this.startStream(statusLine(status), status, headers, undefined)) {
      body.destroy();
      return;
    }
    this.#teardown = () => body.destroy();
    const resume = (): void => {
      body.resume();
    };
    body.on('data', (chunk: Buffer | string) => {
      if (!this.write(chunk)) {
        body.pause();
        this.#drain = resume;
      }
    });
    body.once('end', () => this.end());
    body.once('error', (error: Error) => this.fail(error));
  }

  #streamIterable(status: number, headers: OutgoingHeaders | undefined, body: AsyncIterable<BodyChunk>): void {
    if (!this.startStream(statusLine(status), status, headers, undefined)) return;
    const iterator = body[Symbol.asyncIterator]();
    this.#teardown = () => {
      void iterator.return?.();
    };
    const pump = async (): Promise<void> => {
      for (;;) {
        const step = await iterator.next();
        if (this.aborted || this.#state !== RESP_STREAMING) return;
        if (step.done === true) break;
        if (!isBodyChunk(step.value)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'body chunk', 'a string or bytes', typeof step.value);
        if (!this.write(step.value)) await new Promise<void>((resolve) => this.onDrain(resolve));
      }
      this.end();
    };
    pump().catch((error: unknown) => this.fail(error));
  }
}

function runTeardown(teardown: Unsubscribable | (() => void)): void {
  try {
    if (typeof teardown === 'function') teardown();
    else teardown.unsubscribe();
  } catch {
    // a failing teardown must not take the connection down
  }
}

/**
 * A request body as it arrives: an `Observable<Buffer>` of chunks that can be subscribed to
 * once, and also read as a whole (`buffer()`, `text()`, `json()`), as a Node `Readable`, or with
 * `for await`. It is WSGI's `wsgi.input` and the reactive request's `body$`.
 *
 * Chunks that arrive before anyone subscribes are kept; past a high-water mark the server stops
 * reading the socket until they are consumed. Unsubscribing early drops the rest of the body
 * (the server still reads it off the wire, so the connection stays usable).
 */
import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { Readable } from 'node:stream';
import { createError } from '../../lib/errors';

/** The server side of a body: asked to stop/restart reading when the consumer lags. */
export interface BodyFlowControl {
  pauseBody(): void;
  resumeBody(): void;
}

/** Bytes kept for a consumer that has not subscribed yet before reading pauses. */
const HIGH_WATER_MARK = 64 * 1024;

const STATE_OPEN = 0;
const STATE_ENDED = 1;
const STATE_FAILED = 2;

// Shared subscribe function (`this` is the body): no closure per request.
function subscribeBody(this: Observable<Buffer>, subscriber: Subscriber<Buffer>): () => void {
  return (this as RequestBody).attach(subscriber);
}

function noop(): void {
  // nothing to tear down
}

/**
 * The body of one request. Created by the server; handlers only consume it.
 *
 * ```
 * wire:   --c1----c2------c3--|       (chunked or Content-Length framing removed)
 * body$:  --c1----c2------c3--|       (cold until subscribed; early chunks are replayed)
 * ```
 */
export class RequestBody extends Observable<Buffer> {
  /** The declared Content-Length, or undefined for a chunked body. */
  readonly length: number | undefined;
  /** Bytes received so far. */
  received = 0;
  #flow: BodyFlowControl | null;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #state = STATE_OPEN;
  #error: unknown = undefined;
  #sink: Subscriber<Buffer> | null = null;
  #taken = false;
  #discard = false;
  #paused = false;
  readonly #shared: boolean;

  constructor(length: number | undefined, flow: BodyFlowControl | null, shared = false) {
    super(subscribeBody);
    this.length = length;
    this.#flow = flow;
    this.#shared = shared;
    if (shared) this.#state = STATE_ENDED;
  }

  /** True once the whole body has arrived (or failed). */
  get complete(): boolean {
    return this.#state !== STATE_OPEN;
  }

  // --- server side ---------------------------------------------------------------------------

  /** @internal a chunk from the parser. */
  push(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.#discard || this.#state !== STATE_OPEN) return;
    const sink = this.#sink;
    if (sink !== null) {
      sink.next(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered > HIGH_WATER_MARK) this.pauseFlow();
  }

  /** @internal the message is complete. */
  end(): void {
    if (this.#state !== STATE_OPEN) return;
    this.#state = STATE_ENDED;
    this.#flow = null;
    const sink = this.#sink;
    this.#sink = null;
    sink?.complete();
  }

  /** @internal the body cannot complete (parse error, limit, client gone). */
  fail(error: unknown): void {
    if (this.#state !== STATE_OPEN) return;
    this.#state = STATE_FAILED;
    this.#error = error;
    this.#flow = null;
    this.#chunks = [];
    const sink = this.#sink;
    this.#sink = null;
    sink?.error(error);
  }

  /**
   * @internal the response is complete and nobody reads the body: the rest is read off the
   * wire and dropped (a live subscriber keeps receiving it).
   */
  discard(): void {
    if (this.#shared || this.#sink !== null || this.#state !== STATE_OPEN) return;
    this.#taken = true;
    this.#discard = true;
    this.#chunks = [];
    this.#buffered = 0;
    this.resumeFlow();
  }

  /** @internal the consumer cannot keep up: stop reading the socket. */
  pauseFlow(): void {
    if (this.#paused || this.#flow === null) return;
    this.#paused = true;
    this.#flow.pauseBody();
  }

  /** @internal */
  resumeFlow(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#flow?.resumeBody();
  }

  /** @internal the single subscription. */
  attach(subscriber: Subscriber<Buffer>): () => void {
    if (this.#shared) {
      subscriber.complete();
      return noop;
    }
    if (this.#taken) {
      subscriber.error(createError('RXP_ERR_HTTP_BODY_CONSUMED'));
      return noop;
    }
    this.#taken = true;
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#buffered = 0;
    for (let i = 0; i < chunks.length && !subscriber.closed; i++) subscriber.next(chunks[i]);
    if (this.#state === STATE_ENDED) {
      subscriber.complete();
      return noop;
    }
    if (this.#state === STATE_FAILED) {
      subscriber.error(this.#error);
      return noop;
    }
    this.#sink = subscriber;
    this.resumeFlow();
    return () => {
      if (this.#sink === subscriber) {
        this.#sink = null;
        this.#discard = true;
        this.resumeFlow();
      }
    };
  }

  // --- consumer side -------------------------------------------------------------------------

  /** The whole body in one Buffer. */
  buffer(): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      this.subscribe({
        next: (chunk) => parts.push(chunk),
        error: reject,
        complete: () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)),
      });
    });
  }

  /** The whole body decoded (UTF-8 unless told otherwise). */
  async text(encoding: BufferEncoding = 'utf8'): Promise<string> {
    return (await this.buffer()).toString(encoding);
  }

  /** The whole body parsed as JSON; malformed JSON is `RXP_ERR_HTTP_INVALID_BODY` (400). */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw createError('RXP_ERR_HTTP_INVALID_BODY', 'JSON', error);
    }
  }

  /** The body as a Node `Readable` with backpressure (for `pipe()` into files, parsers…). */
  readable(): Readable {
    let subscription: Subscription | undefined;
    const readable = new Readable({
      read: () => this.resumeFlow(),
      destroy: (error, callback) => {
        subscription?.unsubscribe();
        callback(error);
      },
    });
    subscription = this.subscribe({
      next: (chunk) => {
        if (!readable.push(chunk)) this.pauseFlow();
      },
      error: (error: Error) => readable.destroy(error),
      complete: () => readable.push(null),
    });
    return readable;
  }

  /** `for await (const chunk of body)`. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.readable()[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
}

/** The body of every request without one (shared; always complete, replayable). */
export const EMPTY_BODY: RequestBody = new RequestBody(0, null, true);

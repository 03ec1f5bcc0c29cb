/**
 * WSGI-style callables (PEP 3333, in JavaScript) on the HTTP engine.
 *
 * A callable receives `(environ, start_response)` and returns the body: an array of chunks
 * (the fast path: no Observable, one write with a Content-Length), any iterable (generators
 * are pulled as the socket drains), an async iterable, an `Observable` of chunks, or a
 * Promise of any of these. Headers go out with the first non-empty chunk, so
 * `start_response(..., excInfo)` can still replace them until then.
 */
import { isObservable, type Observable, type Subscription } from 'rxjs';
import { createError } from '../../lib/errors';
import type { HttpRequest } from '../../operators/http/http-request';
import { isBodyChunk, type BodyChunk } from '../../operators/http/http-response';
import { buildEnviron, type EnvironOptions, type WsgiEnviron } from './environ';
import type { Exchange } from './exchange';
import type { HttpApp, HttpExchange } from './http-app';
import { wsgiStatus, type HeaderPairs } from './response-head';

/** The legacy `write` callable `start_response` returns (PEP 3333 §"The write() Callable"). */
export type WsgiWrite = (chunk: BodyChunk) => void;

/** `start_response(status, headers, excInfo?)`: status like `'200 OK'`, headers as pairs. */
export type StartResponse = (status: string, headers: HeaderPairs, excInfo?: unknown) => WsgiWrite;

/** What a WSGI callable may return. */
export type WsgiBody = Iterable<BodyChunk> | AsyncIterable<BodyChunk> | Observable<BodyChunk>;
export type WsgiResult = WsgiBody | PromiseLike<WsgiBody>;

/** A WSGI application. */
export type WsgiCallable = (environ: WsgiEnviron, startResponse: StartResponse) => WsgiResult;

export interface WsgiOptions {
  /** Mount point stripped from `PATH_INFO` into `SCRIPT_NAME`. @default '' */
  readonly scriptName?: string;
  /** `SERVER_SOFTWARE`. @default 'rxpulsar' */
  readonly serverSoftware?: string;
  /** Trust `X-Forwarded-For`/`-Proto` for `REMOTE_ADDR`/`wsgi.url_scheme`. @default false */
  readonly trustProxy?: boolean;
}

/** Chunks produced synchronously up to this size are sent whole (with a Content-Length). */
const COLLECT_LIMIT = 64 * 1024;

function chunkLength(chunk: BodyChunk): number {
  return typeof chunk === 'string' ? chunk.length : chunk.byteLength;
}

interface Closable {
  close?: () => void;
}

/** One call of a WSGI app: the state behind its `start_response`. */
class WsgiCall {
  readonly exchange: Exchange;
  line: string | null = null;
  code = 0;
  headers: HeaderPairs | null = null;
  #writer: WsgiWrite | null = null;

  constructor(exchange: Exchange) {
    this.exchange = exchange;
  }

  start(status: string, headers: HeaderPairs, excInfo: unknown): WsgiWrite {
    if (excInfo !== undefined && excInfo !== null) {
      // PEP 3333: with exc_info, replacing headers is fine until they are sent; after, re-raise.
      if (this.exchange.headersSent) throw excInfo;
    } else if (this.line !== null) {
      throw createError('RXP_ERR_HTTP_HEADERS_SENT');
    }
    const parsed = wsgiStatus(status);
    if (parsed === undefined) throw createError('RXP_ERR_HTTP_INVALID_STATUS', status);
    if (!Array.isArray(headers)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'headers', 'a list of [name, value] pairs', typeof headers);
    this.line = parsed.line;
    this.code = parsed.code;
    this.headers = headers;
    return (this.#writer ??= (chunk) => this.#legacyWrite(chunk));
  }

  #legacyWrite(chunk: BodyChunk): void {
    if (!this.#startStream()) return;
    this.exchange.write(chunk);
  }

  #startStream(): boolean {
    const exchange = this.exchange;
    if (exchange.headersSent) return !exchange.finished;
    if (this.line === null) {
      exchange.fail(this.#noStart());
      return false;
    }
    return exchange.startStream(this.line, this.code, undefined, this.headers ?? undefined);
  }

  #noStart(): Error {
    const request = this.exchange.request;
    return createError('RXP_ERR_HTTP_NO_RESPONSE', request.method, `${request.url} (start_response was not called)`);
  }

  complete(chunks: readonly BodyChunk[]): void {
    const exchange = this.exchange;
    if (exchange.headersSent) {
      for (let i = 0; i < chunks.length; i++) exchange.write(chunks[i]);
      exchange.end();
    } else if (this.line === null) {
      exchange.fail(this.#noStart());
    } else {
      exchange.sendComplete(this.line, this.code, undefined, this.headers ?? undefined, chunks);
    }
  }

  handle(result: unknown): void {
    const exchange = this.exchange;
    if (exchange.aborted || exchange.finished) return;
    if (Array.isArray(result)) {
      for (let i = 0; i < result.length; i++) {
        if (!isBodyChunk(result[i])) {
          exchange.fail(createError('RXP_ERR_INVALID_ARGUMENT', 'WSGI body chunk', 'a string or bytes', typeof result[i]));
          return;
        }
      }
      this.complete(result as BodyChunk[]);
      return;
    }
    if (isBodyChunk(result)) {
      this.complete([result]);
      return;
    }
    if (typeof result !== 'object' || result === null) {
      exchange.fail(createError('RXP_ERR_INVALID_ARGUMENT', 'WSGI result', 'an iterable, Observable or Promise', typeof result));
      return;
    }
    if (typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) => this.handle(value),
        (error: unknown) => exchange.fail(error),
      );
      return;
    }
    if (isObservable(result)) {
      this.#observe(result as Observable<unknown>);
      return;
    }
    if (typeof (result as Iterable<unknown>)[Symbol.iterator] === 'function') {
      this.#iterate(result as Iterable<unknown> & Closable);
      return;
    }
    if (typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      this.#iterateAsync(result as AsyncIterable<unknown> & Closable);
      return;
    }
    exchange.fail(createError('RXP_ERR_INVALID_ARGUMENT', 'WSGI result', 'an iterable, Observable or Promise', 'object'));
  }

  #observe(body$: Observable<unknown>): void {
    // Chunks emitted synchronously during subscribe are collected: a body that also completes
    // synchronously goes out whole with a Content-Length. Later chunks stream (chunked).
    const exchange = this.exchange;
    let collected: BodyChunk[] | null = [];
    let completed = false;
    let failed = false;
    let subscription: Subscription | undefined;
    subscription = body$.subscribe({
      next: (chunk) => {
        if (!isBodyChunk(chunk)) {
          failed = true;
          subscription?.unsubscribe();
          exchange.fail(createError('RXP_ERR_INVALID_ARGUMENT', 'WSGI body chunk', 'a string or bytes', typeof chunk));
          return;
        }
        if (collected !== null) collected.push(chunk);
        else if (chunkLength(chunk) > 0 && this.#startStream()) exchange.write(chunk);
      },
      error: (error: unknown) => exchange.fail(error),
      complete: () => {
        completed = true;
        if (collected !== null) return;
        if (exchange.headersSent) exchange.end();
        else this.complete([]);
      },
    });
    const chunks = collected;
    collected = null;
    if (failed) {
      subscription.unsubscribe();
      return;
    }
    if (exchange.finished) return;
    if (completed) {
      this.complete(chunks);
      return;
    }
    exchange.onAbort(subscription);
    let size = 0;
    for (let i = 0; i < chunks.length; i++) size += chunkLength(chunks[i]);
    if (size > 0 && this.#startStream()) for (let i = 0; i < chunks.length; i++) exchange.write(chunks[i]);
  }

  #iterate(iterable: Iterable<unknown> & Closable): void {
    const exchange = this.exchange;
    let iterator: Iterator<unknown>;
    try {
      iterator = iterable[Symbol.iterator]();
    } catch (error) {
      exchange.fail(error);
      return;
    }
    const close = (): void => {
      try {
        iterator.return?.();
        if (typeof iterable.close === 'function') iterable.close();
      } catch (error) {
        exchange.conn.server.options.onError(error, exchange.request);
      }
    };
    exchange.onAbort(close);
    let collected: BodyChunk[] | null = [];
    let size = 0;
    const pump = (): void => {
      try {
        for (;;) {
          if (exchange.aborted || exchange.finished) return;
          const step = iterator.next();
          if (step.done === true) break;
          const chunk = step.value;
          if (!isBodyChunk(chunk)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'WSGI body chunk', 'a string or bytes', typeof chunk);
          if (collected !== null) {
            collected.push(chunk);
            size += chunkLength(chunk);
            if (size <= COLLECT_LIMIT) continue;
            const chunks = collected;
            collected = null;
            if (!this.#startStream()) return;
            let open = true;
            for (let i = 0; i < chunks.length; i++) open = exchange.write(chunks[i]);
            if (!open) {
              exchange.onDrain(pump);
              return;
            }
            continue;
          }
          if (!exchange.write(chunk)) {
            exchange.onDrain(pump);
            return;
          }
        }
        if (collected !== null) this.complete(collected);
        else exchange.end();
        close();
      } catch (error) {
        close();
        exchange.fail(error);
      }
    };
    pump();
  }

  #iterateAsync(iterable: AsyncIterable<unknown> & Closable): void {
    const exchange = this.exchange;
    const iterator = iterable[Symbol.asyncIterator]();
    const close = (): void => {
      void iterator.return?.();
      if (typeof iterable.close === 'function') iterable.close();
    };
    exchange.onAbort(close);
    const pump = async (): Promise<void> => {
      let started = false;
      for (;;) {
        const step = await iterator.next();
        if (exchange.aborted || exchange.finished) return;
        if (step.done === true) break;
        if (!isBodyChunk(step.value)) throw createError('RXP_ERR_INVALID_ARGUMENT', 'WSGI body chunk', 'a string or bytes', typeof step.value);
        if (!started) {
          started = true;
          if (!this.#startStream()) return;
        }
        if (!exchange.write(step.value)) await new Promise<void>((resolve) => exchange.onDrain(resolve));
      }
      if (started) exchange.end();
      else this.complete([]);
    };
    pump().catch((error: unknown) => {
      close();
      exchange.fail(error);
    });
  }
}

class WsgiApp implements HttpApp {
  readonly #callable: WsgiCallable;
  readonly #environ: EnvironOptions;

  constructor(callable: WsgiCallable, options: WsgiOptions) {
    this.#callable = callable;
    this.#environ = {
      scriptName: options.scriptName ?? '',
      trustProxy: options.trustProxy ?? false,
      serverSoftware: options.serverSoftware ?? 'rxpulsar',
    };
  }

  serve(request: HttpRequest, exchange: HttpExchange): void {
    const call = new WsgiCall(exchange as Exchange);
    let result: unknown;
    try {
      result = this.#callable(buildEnviron(request, this.#environ), (status, headers, excInfo) => call.start(status, headers, excInfo));
    } catch (error) {
      exchange.fail(error);
      return;
    }
    call.handle(result);
  }
}

/**
 * Serves a WSGI callable.
 *
 * ```
 * request ──environ──▶ callable(environ, start_response) ──[chunks] | Observable | Promise──▶ response
 * ```
 *
 * ## Example
 * ```ts
 * import { createHttpHandler, wsgi } from 'rxpulsar/apps/wsgi';
 * const hello = wsgi((environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [`Hello from ${environ.PATH_INFO}`];
 * });
 * const handler = createHttpHandler(hello);
 * ```
 * @see reactive
 */
export function wsgi(callable: WsgiCallable, options: WsgiOptions = {}): HttpApp {
  return new WsgiApp(callable, options);
}

/**
 * Reactive handlers on the HTTP engine: a function per request returning a response (or a
 * Promise/Observable of one), or an RxJS operator `request$ → response$`.
 *
 * A handler that returns a response synchronously creates no Observable at all; an Observable
 * result is subscribed once per request and unsubscribed when the client disconnects, so
 * whatever the handler started for that request stops.
 */
import { isObservable, of, type Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { createError } from '../../lib/errors';
import type { HttpRequest } from '../../operators/http/http-request';
import { HttpResponse, type HttpResponseLike } from '../../operators/http/http-response';
import type { HttpHandler, HttpResult } from '../../operators/http/result';
import type { HttpApp, HttpExchange } from './http-app';

export type { HttpHandler, HttpResult };

/** A handler as an operator: each request is its own one-element `request$`. */
export type HttpOperator = OperatorFunction<HttpRequest, HttpResult>;

const TEXT_HEADERS = Object.freeze({ 'content-type': 'text/plain; charset=utf-8' });
const BYTES_HEADERS = Object.freeze({ 'content-type': 'application/octet-stream' });

function send(value: unknown, request: HttpRequest, exchange: HttpExchange): void {
  if (typeof value === 'string') {
    exchange.respond({ status: 200, headers: TEXT_HEADERS, body: value });
  } else if (value instanceof Uint8Array) {
    exchange.respond({ status: 200, headers: BYTES_HEADERS, body: value });
  } else if (typeof value === 'object' && value !== null) {
    if (value instanceof HttpResponse && value.request === undefined) value.request = request;
    exchange.respond(value as HttpResponseLike);
  } else {
    exchange.fail(createError('RXP_ERR_HTTP_NO_RESPONSE', request.method, request.url));
  }
}

/** Delivers whatever a handler returned: value, Promise or Observable (first value wins). */
function deliver(result: unknown, request: HttpRequest, exchange: HttpExchange): void {
  if (isObservable(result)) {
    let done = false;
    let subscription: Subscription | undefined;
    subscription = (result as Observable<unknown>).subscribe({
      next: (value) => {
        if (done) return;
        done = true;
        subscription?.unsubscribe();
        send(value, request, exchange);
      },
      error: (error: unknown) => {
        if (!done) exchange.fail(error);
      },
      complete: () => {
        if (!done) exchange.fail(createError('RXP_ERR_HTTP_NO_RESPONSE', request.method, request.url));
      },
    });
    if (done) subscription.unsubscribe();
    else if (!subscription.closed) exchange.onAbort(subscription);
    return;
  }
  if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(
      (value) => {
        if (!exchange.aborted) deliver(value, request, exchange);
      },
      (error: unknown) => exchange.fail(error),
    );
    return;
  }
  send(result, request, exchange);
}

class ReactiveApp implements HttpApp {
  readonly #handler: HttpHandler;

  constructor(handler: HttpHandler) {
    this.#handler = handler;
  }

  serve(request: HttpRequest, exchange: HttpExchange): void {
    let result: unknown;
    try {
      result = this.#handler(request);
    } catch (error) {
      exchange.fail(error);
      return;
    }
    deliver(result, request, exchange);
  }
}

/**
 * Serves a per-request reactive handler.
 *
 * ```
 * request ──handler──▶ response | Promise<response> | Observable<response> (first value)
 *            client gone ⇒ unsubscribed
 * ```
 *
 * ## Example
 * ```ts
 * import { timer, map } from 'rxjs';
 * import { createHttpHandler, reactive } from 'rxpulsar/apps/wsgi';
 * import { HttpResponse } from 'rxpulsar/operators';
 * const handler = createHttpHandler(reactive((req) => timer(10).pipe(map(() => HttpResponse.text(`hi ${req.path}`)))));
 * ```
 * @see pipeline
 * @see wsgi
 */
export function reactive(handler: HttpHandler): HttpApp {
  return new ReactiveApp(handler);
}

/**
 * Serves an operator `request$ → response$`. Each request runs through its own one-element
 * `request$`, so per-request work is cancelled when its client disconnects; state shared by all
 * requests lives outside the operator (a closure, a shared Observable).
 *
 * ## Example
 * ```ts
 * import { mergeMap } from 'rxjs';
 * import { createHttpHandler, pipeline } from 'rxpulsar/apps/wsgi';
 * import { compress, route, router, HttpResponse } from 'rxpulsar/operators';
 * const api = router('/', {}, router('hello/<name>', { get: (req) => HttpResponse.text(`hello ${req.params.name}`) }));
 * const handler = createHttpHandler(pipeline((request$) => request$.pipe(route(api), compress())));
 * ```
 * @see reactive
 */
export function pipeline(operator: HttpOperator): HttpApp {
  return new ReactiveApp((request) => of(request).pipe(operator));
}

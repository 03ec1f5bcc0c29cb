/**
 * What handlers return, and how it becomes an `Observable<HttpResponse>` inside operator
 * pipelines (`handle`, `route`). Errors raised by a handler remember their request, so `recover`
 * can negotiate the error page with the client's `Accept`.
 */
import { catchError, defer, from, isObservable, map, type Observable } from 'rxjs';
import { createError } from '../../lib/errors';
import type { HttpRequest } from './http-request';
import { HttpResponse, type HttpResponseLike } from './http-response';

/** A response, or a string/bytes answered with 200. */
export type HttpResult = HttpResponseLike | string | Uint8Array;

/** A per-request handler: a result, a Promise or an Observable of one (first value wins). */
export type HttpHandler = (request: HttpRequest) => HttpResult | PromiseLike<HttpResult> | Observable<HttpResult>;

const errorRequests = new WeakMap<object, HttpRequest>();

/** @internal remembers which request an error was raised for. */
export function tagError(error: unknown, request: HttpRequest): unknown {
  if (typeof error === 'object' && error !== null && !errorRequests.has(error)) errorRequests.set(error, request);
  return error;
}

/** The request an error was raised for (by a handler run through `handle`/`route`). */
export function requestOfError(error: unknown): HttpRequest | undefined {
  return typeof error === 'object' && error !== null ? errorRequests.get(error) : undefined;
}

/** A handler's result as a response bound to its request. */
export function toHttpResponse(value: unknown, request: HttpRequest): HttpResponse {
  if (typeof value !== 'string' && !(value instanceof Uint8Array) && (typeof value !== 'object' || value === null)) {
    throw createError('RXP_ERR_HTTP_NO_RESPONSE', request.method, request.url);
  }
  const response = HttpResponse.from(value as HttpResult);
  response.request = request;
  return response;
}

/** Runs `handler` for `request` as an Observable of its (first) response. */
export function runHandler(handler: HttpHandler, request: HttpRequest): Observable<HttpResponse> {
  return defer(() => {
    const result = handler(request);
    const result$: Observable<unknown> =
      isObservable(result) || (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function')
        ? from(result as Observable<unknown> | PromiseLike<unknown>)
        : from([result]);
    return result$.pipe(map((value) => toHttpResponse(value, request)));
  }).pipe(
    catchError((error: unknown) => {
      throw tagError(error, request);
    }),
  );
}

/**
 * `recover()`: error → response middleware.
 */
import { catchError, of, type MonoTypeOperatorFunction } from 'rxjs';
import { errorResponse, type ErrorPageOptions } from './error-page';
import type { HttpRequest } from './http-request';
import { HttpResponse, type HttpResponseLike } from './http-response';
import { requestOfError } from './result';

/** Renders an error; returning undefined keeps the built-in page. */
export type ErrorRenderer = (error: unknown, request: HttpRequest | undefined) => HttpResponseLike | undefined;

/**
 * Turns an error upstream into a response: `render`'s, or the built-in error page (HTML, JSON
 * or text by the request's `Accept`; stack traces only with `debug`). Without `recover`, the
 * server renders the built-in page itself; use it to customise pages or to run `after`
 * middleware (`compress()`, `cors()`) on error responses too.
 *
 * ```
 * source$:   --r1----#
 * recover(): --r1----(E|)     E = error page response
 * ```
 *
 * ## Example
 * ```ts
 * import { recover, route, HttpResponse } from 'rxpulsar/operators';
 * request$.pipe(route(api), recover((error) => HttpResponse.json({ oops: String(error) }, { status: 500 })));
 * ```
 */
export function recover(render?: ErrorRenderer, options: ErrorPageOptions = {}): MonoTypeOperatorFunction<HttpResponse> {
  return catchError((error: unknown) => {
    const request = requestOfError(error);
    const custom = render?.(error, request);
    const response = custom !== undefined ? HttpResponse.from(custom) : errorResponse(error, request, options);
    response.request = request;
    return of(response);
  });
}

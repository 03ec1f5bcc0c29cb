/**
 * `handle(handler)`: the operator that answers each request with a handler's response.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { HttpRequest } from './http-request';
import type { HttpResponse } from './http-response';
import { runHandler, type HttpHandler } from './result';

/**
 * Maps each request to the response of `handler` (a value, Promise or Observable of one).
 * The response knows its request (`response.request`), for the middleware after it.
 *
 * ```
 * request$:  --r1------r2----|
 * handle(h): ----R1-------R2-|
 * ```
 *
 * ## Example
 * ```ts
 * import { pipeline } from 'rxpulsar/apps/wsgi';
 * import { compress, handle, HttpResponse } from 'rxpulsar/operators';
 * const app = pipeline((request$) => request$.pipe(handle((req) => HttpResponse.text(`hi ${req.path}`)), compress()));
 * ```
 * @see route
 */
export function handle(handler: HttpHandler): OperatorFunction<HttpRequest, HttpResponse> {
  return mergeMap((request: HttpRequest) => runHandler(handler, request));
}

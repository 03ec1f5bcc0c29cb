/**
 * `route(router)`: dispatches each request through a {@link Router}.
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import { createError } from '../../lib/errors';
import type { HttpRequest } from './http-request';
import type { HttpResponse } from './http-response';
import { runHandler, tagError } from './result';
import type { Router } from './router';

/**
 * Answers each request with the handler its path and method select; no matching path errors
 * with 404 (`RXP_ERR_HTTP_NOT_FOUND`), a path without the method with 405.
 *
 * ```
 * request$:      --GET /item/7------GET /nope---|
 * route(items):  ----R(200)-----------#(404)
 * ```
 *
 * ## Example
 * ```ts
 * import { pipeline } from 'rxpulsar/apps/wsgi';
 * import { route, router, HttpResponse } from 'rxpulsar/operators';
 * const items = router('item/<int:id>', { get: (req) => HttpResponse.json({ id: req.params.id }) });
 * const app = pipeline((request$) => request$.pipe(route(items)));
 * ```
 * @see handle
 * @see Router
 */
export function route(router: Router): OperatorFunction<HttpRequest, HttpResponse> {
  return mergeMap((request: HttpRequest) =>
    runHandler((req) => {
      const result = router.dispatch(req);
      if (result === undefined) throw tagError(createError('RXP_ERR_HTTP_NOT_FOUND', req.path), req);
      return result;
    }, request),
  );
}


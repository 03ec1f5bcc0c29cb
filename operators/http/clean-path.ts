/**
 * `cleanPath()`: redirects paths with empty segments (`//a///b` → `/a/b`), pulsar's
 * `clean_path_middleware`.
 */
import { map, type MonoTypeOperatorFunction } from 'rxjs';
import { httpError } from './http-error';
import type { HttpRequest } from './http-request';

/**
 * Passes clean requests through; a path with `//` errors with a 301 to the cleaned path (query
 * kept), which the server (or `recover`) turns into the redirect response.
 *
 * ```
 * request$:    --GET /a//b--GET /c--|
 * cleanPath(): --#(301 Location: /a/b)
 * ```
 */
export function cleanPath(status = 301): MonoTypeOperatorFunction<HttpRequest> {
  return map((request: HttpRequest) => {
    const raw = request.rawPath;
    if (raw.indexOf('//') === -1) return request;
    const cleaned = raw.replace(/\/{2,}/g, '/');
    const query = request.queryString;
    throw httpError(status, `Moved to ${cleaned}`, { location: query === '' ? cleaned : `${cleaned}?${query}` });
  });
}

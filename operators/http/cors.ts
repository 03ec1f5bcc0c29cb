/**
 * `cors()`: CORS response headers (pulsar's `AccessControl` middleware — whose headers pulsar's
 * header table then dropped; here they reach the client).
 */
import { map, type MonoTypeOperatorFunction } from 'rxjs';
import type { HttpResponse } from './http-response';

export interface CorsOptions {
  /** Allowed origins: `'*'`, one origin, or a list (the request's Origin is echoed when listed). @default '*' */
  readonly origin?: string | readonly string[];
  /** `Access-Control-Allow-Methods`. @default the response's Allow, or GET, HEAD, POST */
  readonly methods?: readonly string[];
  /** `Access-Control-Allow-Headers`. */
  readonly headers?: readonly string[];
  /** `Access-Control-Allow-Credentials: true`. @default false */
  readonly credentials?: boolean;
  /** `Access-Control-Max-Age` in seconds. */
  readonly maxAge?: number;
}

/**
 * Adds CORS headers to every response whose request has an `Origin` the options allow.
 *
 * ```
 * response$: --R--|
 * cors():    --R'-|     R' = R + Access-Control-Allow-Origin …
 * ```
 */
export function cors(options: CorsOptions = {}): MonoTypeOperatorFunction<HttpResponse> {
  const allowed = options.origin ?? '*';
  return map((response: HttpResponse) => {
    const origin = response.request?.header('origin');
    if (origin === undefined) return response;
    let value: string | undefined;
    if (allowed === '*') value = options.credentials === true ? origin : '*';
    else if (typeof allowed === 'string') value = allowed === origin ? origin : undefined;
    else value = allowed.includes(origin) ? origin : undefined;
    if (value === undefined) return response;
    response.setHeader('access-control-allow-origin', value);
    if (value !== '*') response.appendHeader('vary', 'Origin');
    const methods = options.methods?.join(', ') ?? response.header('allow') ?? 'GET, HEAD, POST';
    response.setHeader('access-control-allow-methods', methods);
    if (options.headers !== undefined) response.setHeader('access-control-allow-headers', options.headers.join(', '));
    if (options.credentials === true) response.setHeader('access-control-allow-credentials', 'true');
    if (options.maxAge !== undefined) response.setHeader('access-control-max-age', String(options.maxAge));
    return response;
  });
}

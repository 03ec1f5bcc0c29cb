/**
 * httpbin (pulsar's examples/httpbin, completed): httpbin.org's endpoints with httpbin.org's JSON,
 * as a router tree under a mount point, served by an operator pipeline.
 *
 * ```
 * request$ ──route(httpbin)──recover()──cors()──▶ response$
 *             /get /post … /status/418 /delay/3 /stream/5 …
 * ```
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { pipeline, type HttpApp, type HttpOperator } from 'rxpulsar/apps/wsgi';
import { cors, HttpResponse, recover, route, router, type Router } from 'rxpulsar/operators';
import { normalizePrefix, type HttpbinContext } from './context';
import { landingPage } from './landing-page';
import { authRoutes } from './routes-auth';
import { cacheRoutes } from './routes-cache';
import { cookieRoutes } from './routes-cookies';
import { dynamicRoutes } from './routes-dynamic';
import { encodingRoutes } from './routes-encoding';
import { formatRoutes } from './routes-formats';
import { requestRoutes } from './routes-request';
import { statusRoutes } from './routes-status';

export interface HttpbinOptions {
  /** Longest wait of `/delay` and `/drip`, in seconds. @default 10 */
  readonly maxDelay?: number;
  /** Where the app is mounted (`'/httpbin'`): routes, links and redirects live under it. @default '/' */
  readonly prefix?: string;
  /** Uniform [0, 1) source for `/status` choices, unseeded bytes and nonces. @default Math.random */
  readonly random?: () => number;
  /** Clock of `/delay`, `/drip` and `/range?duration=` (virtual time in tests). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

function contextOf(options: HttpbinOptions): HttpbinContext {
  const prefix = normalizePrefix(options.prefix);
  return {
    prefix,
    scheduler: options.scheduler ?? asyncScheduler,
    random: options.random ?? Math.random,
    maxDelay: options.maxDelay ?? 10,
    link: (path) => prefix + path,
  };
}

/**
 * The httpbin routes as one {@link Router} rooted at the prefix (its landing page at `prefix/`),
 * for mounting inside a bigger router tree.
 */
export function httpbinRouter(options: HttpbinOptions = {}): Router {
  const ctx = contextOf(options);
  const page = landingPage(ctx.prefix);
  return router(
    ctx.prefix,
    { get: () => HttpResponse.html(page) },
    ...requestRoutes(),
    ...statusRoutes(ctx),
    ...cookieRoutes(ctx),
    ...authRoutes(ctx),
    ...encodingRoutes(),
    ...formatRoutes(ctx),
    ...dynamicRoutes(ctx),
    ...cacheRoutes(),
  );
}

/**
 * httpbin as an operator: routing, error pages (404/405/400 negotiated with `Accept`) and CORS
 * headers on every answer (httpbin.org allows any origin, with credentials).
 */
export function httpbinOperator(options: HttpbinOptions = {}): HttpOperator {
  const api = httpbinRouter(options);
  return (request$) => request$.pipe(route(api), recover(), cors({ credentials: true }));
}

/**
 * httpbin as an HttpApp, for `new WSGIServer({ app: () => httpbinApp() })` or for a showcase that
 * mounts it: `httpbinApp({ prefix: '/httpbin' })` serves `/httpbin/`, `/httpbin/get`, …
 *
 * ## Example
 * ```ts
 * import { inject } from 'rxpulsar/apps/wsgi';
 * const res = await inject(httpbinApp({ prefix: '/httpbin' }), '/httpbin/get?a=1');
 * res.json(); // { args: { a: '1' }, headers: { Host: 'localhost' }, origin: '127.0.0.1', url: 'http://localhost/httpbin/get?a=1' }
 * ```
 */
export function httpbinApp(options: HttpbinOptions = {}): HttpApp {
  return pipeline(httpbinOperator(options));
}

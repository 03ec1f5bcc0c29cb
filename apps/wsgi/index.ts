/**
 * `rxpulsar/apps/wsgi`: the HTTP/1.1 server engine (llhttp, keep-alive, pipelining, limits,
 * timeouts, graceful drain) and its two handler styles, WSGI callables and reactive handlers.
 */

/* Engine */
export { createHttpHandler, HttpServer } from './http-server';
export { DEFAULT_METHODS, HTTP_DEFAULTS, resolveHttpOptions } from './http-options';
export type { HttpOptions, ResolvedHttpOptions } from './http-options';
export type { HttpApp, HttpExchange } from './http-app';
export type { HeaderPairs } from './response-head';

/* WSGI style */
export { wsgi } from './wsgi';
export type { StartResponse, WsgiBody, WsgiCallable, WsgiOptions, WsgiResult, WsgiWrite } from './wsgi';
export type { WsgiEnviron } from './environ';

/* Reactive style */
export { pipeline, reactive } from './reactive';
export type { HttpHandler, HttpOperator, HttpResult } from './reactive';

/* Settings (`--http-*`) */
export {
  httpHeadersTimeout,
  httpMaxBodySize,
  httpMaxHeaderCount,
  httpMaxHeaderSize,
  httpMaxPipelined,
  httpMaxRequestsPerConnection,
  httpMethods,
  httpOptionsFromConfig,
  httpParser,
  httpRequestTimeout,
} from './settings';

/* Testing */
export { inject, parseResponses } from './inject';
export type { InjectOptions, InjectResponse } from './inject';

/* Application */
export { WSGIServer } from './wsgi-server';
export type { WSGIServerOptions } from './wsgi-server';

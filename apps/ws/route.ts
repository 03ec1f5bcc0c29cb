/**
 * A WebSocket route: a path, the `message$ → outgoing$` operator that serves it, and its options.
 */
import { createError } from '../../lib/errors';
import type { WsHandler, WsRouteOptions } from './types';

export interface WsRoute {
  readonly handler: WsHandler;
  readonly options: WsRouteOptions;
  /** `/chat`, `/rooms/:room` (a `:name` segment matches one non-empty segment). */
  readonly path: string;
  /** The `:name` values when `path` matches, else undefined. */
  match(pathname: string): Record<string, string> | undefined;
}

/**
 * Declares a WebSocket route.
 *
 * The handler is an operator: it gets the connection's incoming events (`open`, each message,
 * then `close`, or an error for protocol failures) and returns what to send.
 *
 * ```
 * message$   o--m1---m2------c|
 * outgoing$  ---r1---r2-------|      (echo: completes when message$ does)
 * ```
 *
 * ## Example
 * ```ts
 * import { messages, webSocket, WebSocketApp } from 'rxpulsar/apps/ws';
 * const echo = webSocket('/echo', (message$) => message$.pipe(messages()));
 * const app = new WebSocketApp([echo]);
 * httpServer.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head));
 * ```
 * @see WebSocketApp
 * @param path `/exact` or with `:name` segments.
 * @param handler The route's operator.
 * @param options Overrides of the app's defaults for this route.
 */
export function webSocket(path: string, handler: WsHandler, options: WsRouteOptions = {}): WsRoute {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', 'path', 'a string starting with "/"', path);
  }
  if (typeof handler !== 'function') {
    throw createError('RXP_ERR_INVALID_ARGUMENT', 'handler', 'a function (message$, context) => outgoing$', typeof handler);
  }
  const segments = path.split('/');
  const dynamic = segments.some((s) => s.startsWith(':'));
  const match = dynamic
    ? (pathname: string): Record<string, string> | undefined => matchSegments(segments, pathname)
    : (pathname: string): Record<string, string> | undefined => (pathname === path ? NO_PARAMS : undefined);
  return { path, handler, options, match };
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function matchSegments(pattern: readonly string[], pathname: string): Record<string, string> | undefined {
  const parts = pathname.split('/');
  if (parts.length !== pattern.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const expected = pattern[i];
    if (expected.startsWith(':')) {
      if (parts[i] === '') return undefined;
      try {
        params[expected.slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        return undefined;
      }
    } else if (expected !== parts[i]) {
      return undefined;
    }
  }
  return params;
}

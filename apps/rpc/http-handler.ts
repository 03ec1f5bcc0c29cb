/**
 * JSON-RPC over HTTP POST, written against a minimal request/response shape that any HTTP server
 * (rxpulsar's, node:http, fastify) maps onto.
 */
import { createError, type ErrorCode } from '../../lib/errors';
import type { RpcDispatcher } from './dispatcher';

/** A header value as HTTP parsers give it: repeated headers arrive as a list. */
export type RpcHeaderValue = string | readonly string[] | undefined;

/** The request: method, lower-case headers and the whole body. */
export interface RpcHttpRequest {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, RpcHeaderValue>>;
  readonly method: string;
}

export interface RpcHttpResponse {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface RpcHttpOptions {
  /**
   * Largest body accepted (413 above). The HTTP server should stop reading earlier; this is the
   * last line.
   * @default 1048576
   */
  readonly maxBodySize?: number;
}

/** Media types accepted: JSON, and the two names the JSON-RPC-over-HTTP drafts use. */
const JSON_TYPES = new Set(['application/json', 'application/json-rpc', 'application/jsonrequest']);

/**
 * Builds the HTTP handler of a dispatcher.
 *
 * - POST only (405, `Allow: POST`); `Content-Type` must be JSON (415); body ≤ maxBodySize (413).
 * - 200 with the JSON reply (JSON-RPC errors, parse errors included, travel in the body);
 *   204 without body when the request held only notifications.
 *
 * ```
 * POST {"jsonrpc":"2.0","method":"ping","id":1}  ->  200 {"jsonrpc":"2.0","id":1,"result":"pong"}
 * POST {"jsonrpc":"2.0","method":"ping"}         ->  204
 * ```
 *
 * ## Example
 * ```ts
 * import { RpcDispatcher, rpcHttpHandler, serverCommands } from 'rxpulsar/apps/rpc';
 * const handle = rpcHttpHandler(new RpcDispatcher(serverCommands()));
 * const { status, headers, body } = await handle({ method: 'POST', headers: req.headers, body });
 * ```
 */
export function rpcHttpHandler(dispatcher: RpcDispatcher, options: RpcHttpOptions = {}): (request: RpcHttpRequest) => Promise<RpcHttpResponse> {
  const maxBodySize = options.maxBodySize ?? 1024 * 1024;
  return async (request) => {
    if (request.method !== 'POST') return refuse('RXP_ERR_RPC_HTTP_METHOD', request.method, { allow: 'POST' });
    const contentType = first(request.headers['content-type']);
    const mediaType = contentType?.split(';')[0].trim().toLowerCase();
    if (mediaType === undefined || !JSON_TYPES.has(mediaType)) return refuse('RXP_ERR_RPC_MEDIA_TYPE', contentType ?? '(none)');
    if (request.body.length > maxBodySize) return refuse('RXP_ERR_RPC_BODY_TOO_LARGE', maxBodySize);
    const reply = await dispatcher.handle(request.body.toString('utf8'), { kind: 'http', request });
    if (reply === undefined) return { status: 204, headers: {}, body: '' };
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(reply)) },
      body: reply,
    };
  };
}

function first(value: RpcHeaderValue): string | undefined {
  return value === undefined || typeof value === 'string' ? value : value[0];
}

function refuse(code: ErrorCode, detail: unknown, extra: Record<string, string> = {}): RpcHttpResponse {
  const error = createError(code, detail);
  const body = `${error.message}\n`;
  return {
    status: error.status ?? 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...extra },
    body,
  };
}

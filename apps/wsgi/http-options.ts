/**
 * Limits and knobs of the HTTP/1.1 server engine, with their defaults. `settings.ts` maps the
 * configuration registry (`--http-*` flags) onto this object.
 */
import type { Socket } from 'node:net';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { createError } from '../../lib/errors';
import { version } from '../../lib/version';
import type { HttpRequest } from '../../operators/http/http-request';
import type { HttpResponseLike } from '../../operators/http/http-response';

export interface HttpOptions {
  /**
   * Keep answering a client that half-closed its side (sent FIN) after its requests. Off, as in
   * node:http: a FIN aborts the pending requests (their handlers are unsubscribed). @default false
   */
  readonly allowHalfOpen?: boolean;
  /** Error pages show 5xx messages and stack traces. @default false */
  readonly debug?: boolean;
  /** Answers an error instead of the built-in page (HTML/JSON/text by `Accept`). */
  readonly errorPage?: (error: unknown, request: HttpRequest | undefined) => HttpResponseLike;
  /** Milliseconds from the first byte of a request to the end of its headers (→ 408); 0: no limit. @default 30000 */
  readonly headersTimeout?: number;
  /** Milliseconds an idle keep-alive connection stays open; 0: no limit. @default 15000 */
  readonly keepAliveTimeout?: number;
  /** Largest request body in bytes (→ 413). @default 1048576 */
  readonly maxBodySize?: number;
  /** Most header fields in a request (→ 431). @default 100 */
  readonly maxHeaderCount?: number;
  /** Most bytes in the request line plus headers (→ 431). @default 16384 */
  readonly maxHeaderSize?: number;
  /** Pipelined requests in flight on one connection before reading pauses. @default 16 */
  readonly maxPipelined?: number;
  /** Requests served on one connection before it is closed (0 = no limit). @default 0 */
  readonly maxRequestsPerConnection?: number;
  /** Methods served; any other well-formed method is answered 501. @default GET HEAD POST PUT DELETE PATCH OPTIONS */
  readonly methods?: readonly string[];
  /** Called with errors worth logging (5xx, handler failures after the headers were sent). */
  readonly onError?: (error: unknown, request: HttpRequest | undefined) => void;
  /**
   * Takes over connections whose request asks for an `Upgrade` (WebSocket). Without it, an
   * upgrade request is served as a plain request and the connection closes after it.
   */
  readonly onUpgrade?: (request: HttpRequest, socket: Socket, head: Buffer) => void;
  /** Milliseconds from the first byte of a request to its last body byte (→ 408); 0: no limit. @default 300000 */
  readonly requestTimeout?: number;
  /** Clock and timers (virtual time in tests). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** `Server` header value; '' omits the header. @default 'rxpulsar/<version>' */
  readonly serverName?: string;
  /** Milliseconds between timeout sweeps: timeouts fire up to this late. @default 1000 */
  readonly timerResolution?: number;
}

export interface ResolvedHttpOptions {
  readonly allowHalfOpen: boolean;
  readonly debug: boolean;
  readonly errorPage: ((error: unknown, request: HttpRequest | undefined) => HttpResponseLike) | undefined;
  readonly headersTimeout: number;
  readonly keepAliveTimeout: number;
  readonly maxBodySize: number;
  readonly maxHeaderCount: number;
  readonly maxHeaderSize: number;
  readonly maxPipelined: number;
  readonly maxRequestsPerConnection: number;
  readonly methods: ReadonlySet<string>;
  readonly onError: (error: unknown, request: HttpRequest | undefined) => void;
  readonly onUpgrade: ((request: HttpRequest, socket: Socket, head: Buffer) => void) | undefined;
  readonly requestTimeout: number;
  readonly scheduler: SchedulerLike;
  readonly serverName: string;
  readonly timerResolution: number;
}

export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** The defaults, for docs and settings. */
export const HTTP_DEFAULTS = {
  allowHalfOpen: false,
  debug: false,
  headersTimeout: 30_000,
  keepAliveTimeout: 15_000,
  maxBodySize: 1024 * 1024,
  maxHeaderCount: 100,
  maxHeaderSize: 16 * 1024,
  maxPipelined: 16,
  maxRequestsPerConnection: 0,
  requestTimeout: 300_000,
  timerResolution: 1000,
} as const;

function logToStderr(error: unknown, request: HttpRequest | undefined): void {
  const where = request === undefined ? '' : ` (${request.method} ${request.url})`;
  process.stderr.write(`rxpulsar http: error${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw createError('RXP_ERR_INVALID_ARGUMENT', name, `a number >= ${min}`, value);
  }
  return value;
}

/** 0 disables a timeout. */
function orInfinity(ms: number): number {
  return ms === 0 ? Infinity : ms;
}

/** Validates `options` and fills in the defaults (disabled timeouts become Infinity). */
export function resolveHttpOptions(options: HttpOptions = {}): ResolvedHttpOptions {
  const d = HTTP_DEFAULTS;
  const methods = options.methods ?? DEFAULT_METHODS;
  return {
    allowHalfOpen: options.allowHalfOpen ?? d.allowHalfOpen,
    debug: options.debug ?? d.debug,
    errorPage: options.errorPage,
    headersTimeout: orInfinity(positive('headersTimeout', options.headersTimeout, d.headersTimeout, 0)),
    keepAliveTimeout: orInfinity(positive('keepAliveTimeout', options.keepAliveTimeout, d.keepAliveTimeout, 0)),
    maxBodySize: positive('maxBodySize', options.maxBodySize, d.maxBodySize, 0),
    maxHeaderCount: positive('maxHeaderCount', options.maxHeaderCount, d.maxHeaderCount),
    maxHeaderSize: positive('maxHeaderSize', options.maxHeaderSize, d.maxHeaderSize, 256),
    maxPipelined: positive('maxPipelined', options.maxPipelined, d.maxPipelined),
    maxRequestsPerConnection: positive('maxRequestsPerConnection', options.maxRequestsPerConnection, d.maxRequestsPerConnection, 0),
    methods: new Set(methods.map((m) => m.toUpperCase())),
    onError: options.onError ?? logToStderr,
    onUpgrade: options.onUpgrade,
    requestTimeout: orInfinity(positive('requestTimeout', options.requestTimeout, d.requestTimeout, 0)),
    scheduler: options.scheduler ?? asyncScheduler,
    serverName: options.serverName ?? `rxpulsar/${version()}`,
    timerResolution: positive('timerResolution', options.timerResolution, d.timerResolution),
  };
}

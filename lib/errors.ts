/**
 * The one error catalog of rxpulsar.
 *
 * Every error the framework raises has a stable `code` (`RXP_ERR_*`), a message template (`%s`
 * placeholders, filled in order), and where it applies the HTTP status, WebSocket close code and
 * JSON-RPC error code it maps to. Errors cross thread, process and JSON-RPC boundaries, so they
 * are identified by `code` (see {@link isRxPulsarError}), never by `instanceof` alone, and travel
 * as plain `{ name, code, message, data }` objects ({@link serializeError}).
 *
 * `docs/errors.md` documents each code; `spec/lib/errors.spec.ts` keeps the two in sync in both
 * directions. Codes are never reused.
 */
import { format } from 'node:util';

export interface ErrorSpec {
  /** Message template; `%s` placeholders are filled from the arguments of {@link createError}. */
  readonly message: string;
  /** HTTP status sent when this error reaches an HTTP client. */
  readonly status?: number;
  /** WebSocket close code sent when this error closes a WebSocket. */
  readonly wsClose?: number;
  /** JSON-RPC 2.0 error code used when this error is the answer to a call. */
  readonly rpcCode?: number;
}

/* eslint-disable sort-keys */
export const ERROR_CATALOG = {
  // --- core: configuration -------------------------------------------------------------------
  RXP_ERR_INVALID_SETTING: { message: 'Invalid value for setting "%s": %s', status: 500 },
  RXP_ERR_UNKNOWN_SETTING: { message: 'Unknown setting "%s"', status: 500 },
  RXP_ERR_UNKNOWN_FLAG: { message: 'Unknown command line option "%s"' },
  RXP_ERR_CONFIG_FILE: { message: 'Cannot load config file "%s": %s' },
  RXP_ERR_INVALID_ARGUMENT: { message: 'Expected `%s` to be %s, got %s', status: 500, rpcCode: -32602 },

  // --- core: actors, mailboxes, supervision ---------------------------------------------------
  RXP_ERR_TIMEOUT: { message: 'Command "%s" to %s timed out after %s ms', status: 504, rpcCode: -32000 },
  RXP_ERR_UNKNOWN_COMMAND: { message: 'Unknown command "%s"', rpcCode: -32601 },
  RXP_ERR_UNKNOWN_ACTOR: { message: 'Unknown actor "%s"', rpcCode: -32001 },
  RXP_ERR_ACTOR_STOPPED: { message: 'Actor "%s" stopped before replying to "%s"', rpcCode: -32002 },
  RXP_ERR_NOT_RUNNABLE: { message: 'Actor "%s" has no exported function "%s" to run', rpcCode: -32601 },
  RXP_ERR_SPAWN_FAILED: { message: 'Actor "%s" failed to start: %s' },
  RXP_ERR_ESCALATED: { message: 'Actor "%s" crashed %s times in %s ms; supervisor gave up' },
  RXP_ERR_INVALID_CONCURRENCY: { message: 'Concurrency "%s" is not one of inline, thread, process' },
  RXP_ERR_ARBITER_ONLY: { message: '"%s" can only be called in the arbiter (the master process main thread)' },
  RXP_ERR_PIDFILE: { message: 'Pidfile "%s" holds the live pid %s: already running' },
  RXP_ERR_BIND: { message: 'Cannot bind "%s": %s' },
  RXP_ERR_WIRE: { message: 'Malformed mailbox transfer: %s' },
  RXP_ERR_UNCLONEABLE: { message: 'A mailbox message (%s) could not be sent to another thread or process: %s', rpcCode: -32602 },

  // --- http (apps/wsgi) -------------------------------------------------------------------------
  RXP_ERR_HTTP_BAD_REQUEST: { message: 'Bad request: %s', status: 400 },
  RXP_ERR_HTTP_HEADERS_TOO_LARGE: { message: 'Request header fields too large (limit on %s)', status: 431 },
  RXP_ERR_HTTP_BODY_TOO_LARGE: { message: 'Request body larger than %s bytes', status: 413 },
  RXP_ERR_HTTP_REQUEST_TIMEOUT: { message: 'Request not received within %s ms', status: 408 },
  RXP_ERR_HTTP_METHOD_NOT_IMPLEMENTED: { message: 'Method "%s" is not implemented', status: 501 },
  RXP_ERR_HTTP_VERSION_NOT_SUPPORTED: { message: 'HTTP version %s is not supported', status: 505 },
  RXP_ERR_HTTP_TRANSFER_CODING: { message: 'Transfer coding "%s" is not supported', status: 501 },
  RXP_ERR_HTTP_EXPECTATION_FAILED: { message: 'Expectation "%s" is not supported', status: 417 },
  RXP_ERR_HTTP_NOT_FOUND: { message: 'Not found: %s', status: 404 },
  RXP_ERR_HTTP_FORBIDDEN: { message: 'Forbidden: %s', status: 403 },
  RXP_ERR_HTTP_METHOD_NOT_ALLOWED: { message: 'Method %s is not allowed on %s', status: 405 },
  RXP_ERR_HTTP_RANGE_NOT_SATISFIABLE: { message: 'Range "%s" is not satisfiable (%s bytes)', status: 416 },
  RXP_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE: { message: 'Unsupported content type "%s"', status: 415 },
  RXP_ERR_HTTP_INVALID_BODY: { message: 'Invalid %s request body: %s', status: 400 },
  RXP_ERR_HTTP_STATUS: { message: '%s', status: 500 },
  RXP_ERR_HTTP_HEADERS_SENT: { message: 'Response headers already sent', status: 500 },
  RXP_ERR_HTTP_INVALID_HEADER: { message: 'Invalid response header %s: %s', status: 500 },
  RXP_ERR_HTTP_INVALID_STATUS: { message: 'Invalid response status "%s"', status: 500 },
  RXP_ERR_HTTP_NO_RESPONSE: { message: 'Handler completed without a response to %s %s', status: 500 },
  RXP_ERR_HTTP_BODY_CONSUMED: { message: 'The request body can be read only once', status: 500 },
  RXP_ERR_HTTP_CLIENT_CLOSED: { message: 'The client closed the connection before the %s was complete' },

  // --- websocket, json-rpc, pubsub (apps/ws, apps/rpc, lib/pubsub) ------------------------------
  RXP_ERR_WS_BAD_HANDSHAKE: { message: 'Bad WebSocket handshake: %s', status: 400 },
  RXP_ERR_WS_UPGRADE_REQUIRED: { message: 'This resource only speaks WebSocket (version 13): %s', status: 426 },
  RXP_ERR_WS_METHOD_NOT_ALLOWED: { message: 'A WebSocket handshake must be a GET request, got %s', status: 405 },
  RXP_ERR_WS_NOT_FOUND: { message: 'No WebSocket route for "%s"', status: 404 },
  RXP_ERR_WS_FORBIDDEN_ORIGIN: { message: 'Origin %s is not allowed', status: 403 },
  RXP_ERR_WS_PROTOCOL: { message: 'WebSocket protocol error: %s', wsClose: 1002 },
  RXP_ERR_WS_INVALID_UTF8: { message: 'Invalid UTF-8 in a text message or close reason', wsClose: 1007 },
  RXP_ERR_WS_MESSAGE_TOO_BIG: { message: 'WebSocket message larger than maxPayload (%s bytes)', wsClose: 1009 },
  RXP_ERR_WS_DEAD_PEER: { message: 'WebSocket peer did not answer a ping within %s ms' },
  RXP_ERR_WS_SLOW_CONSUMER: { message: 'WebSocket send buffer above %s bytes: the peer reads too slowly', wsClose: 1013 },
  RXP_ERR_WS_HANDLER_FAILED: { message: 'Internal error', wsClose: 1011 },
  RXP_ERR_WS_SHUTTING_DOWN: { message: 'Server going away', status: 503, wsClose: 1001 },
  RXP_ERR_RPC_PARSE: { message: 'Parse error', rpcCode: -32700 },
  RXP_ERR_RPC_INVALID_REQUEST: { message: 'Invalid Request: %s', rpcCode: -32600 },
  RXP_ERR_RPC_BATCH_TOO_LARGE: { message: 'Invalid Request: batch of %s calls exceeds the limit of %s', rpcCode: -32600 },
  RXP_ERR_RPC_METHOD_NOT_FOUND: { message: 'Method not found: %s', rpcCode: -32601 },
  RXP_ERR_RPC_INVALID_PARAMS: { message: 'Invalid params for %s: %s', rpcCode: -32602 },
  RXP_ERR_RPC_INTERNAL: { message: 'Internal error', rpcCode: -32603 },
  RXP_ERR_RPC_UNSERIALIZABLE: { message: 'Internal error: the result of %s cannot be serialised to JSON', rpcCode: -32603 },
  RXP_ERR_RPC_CANCELLED: { message: 'Request %s cancelled', rpcCode: -32800 },
  RXP_ERR_RPC_HTTP_METHOD: { message: 'JSON-RPC over HTTP needs POST, got %s', status: 405 },
  RXP_ERR_RPC_MEDIA_TYPE: { message: 'JSON-RPC over HTTP needs Content-Type application/json, got %s', status: 415 },
  RXP_ERR_RPC_BODY_TOO_LARGE: { message: 'JSON-RPC request body larger than %s bytes', status: 413 },
  RXP_ERR_PUBSUB_BAD_URL: { message: 'Invalid pub/sub URL %s: %s' },
  RXP_ERR_PUBSUB_UNAVAILABLE: { message: 'Pub/sub backend %s is unavailable: %s' },
  RXP_ERR_PUBSUB_CLOSED: { message: 'Pub/sub backend %s is closed' },
  RXP_ERR_PUBSUB_ENCODE: { message: 'Cannot encode the message for channel %s as JSON: %s' },

  // --- task queue (apps/tasks) ------------------------------------------------------------------
  RXP_ERR_JOB_NOT_REGISTERED: { message: 'Job "%s" is not registered', rpcCode: -32602 },
  RXP_ERR_DUPLICATE_JOB: { message: 'Job "%s" is already registered' },
  RXP_ERR_INVALID_SCHEDULE: { message: 'Invalid schedule for job "%s": %s' },
  RXP_ERR_TASK_NOT_FOUND: { message: 'Task "%s" not found', status: 404, rpcCode: -32020 },
  RXP_ERR_TASK_FAILED: { message: 'Task %s (%s) failed: %s', rpcCode: -32021 },
  RXP_ERR_TASK_REVOKED: { message: 'Task %s (%s) was revoked: %s', rpcCode: -32022 },
  RXP_ERR_TASK_EXPIRED: { message: 'Task %s (%s) expired before it started', rpcCode: -32022 },
  RXP_ERR_TASK_SOFT_TIME_LIMIT: { message: 'Task %s (%s) exceeded its soft time limit of %s ms', rpcCode: -32021 },
  RXP_ERR_TASK_TIME_LIMIT: { message: 'Task %s (%s) exceeded its hard time limit of %s ms', rpcCode: -32021 },
  RXP_ERR_TASK_LOST: { message: 'Task %s (%s) lost its worker %s times; max_redeliveries reached', rpcCode: -32021 },
  RXP_ERR_QUEUE_FULL: { message: 'Task queue is full (%s tasks waiting, high-water mark %s)', status: 503, rpcCode: -32023 },
  RXP_ERR_TASK_BACKEND: { message: 'Task backend error: %s', status: 503, rpcCode: -32024 },

  // --- shell, test app (apps/shell, apps/test) -------------------------------------------------
  RXP_ERR_TEST_TIMEOUT: { message: 'Test "%s" did not finish within %s ms' },
  RXP_ERR_TEST_LOAD: { message: 'Cannot load test module "%s": %s' },
  RXP_ERR_TEST_DEFINITION: { message: 'Invalid test definition: %s' },
  RXP_ERR_TEST_HOOK: { message: 'The %s hook of "%s" failed: %s' },
  RXP_ERR_TEST_WORKER_LOST: { message: 'Test worker %s stopped while running module "%s": %s' },
  RXP_ERR_TEST_UNKNOWN_LABEL: { message: 'No test module matches label "%s"' },
} as const satisfies Record<string, ErrorSpec>;
/* eslint-enable sort-keys */

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The plain shape in which an error crosses a worker, process or JSON-RPC boundary. */
export interface SerializedError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly data?: unknown;
  readonly stack?: string;
}

const kRxPulsarError = Symbol.for('rxpulsar.error');

/** An error from the catalog: `code` names it, `status`/`wsClose`/`rpcCode` map it to protocols. */
export class RxPulsarError extends Error {
  readonly code: ErrorCode;
  readonly status?: number;
  readonly wsClose?: number;
  readonly rpcCode?: number;
  data?: unknown;
  readonly [kRxPulsarError] = true;

  constructor(code: ErrorCode, message: string, data?: unknown) {
    super(message);
    const spec: ErrorSpec = ERROR_CATALOG[code];
    this.name = 'RxPulsarError';
    this.code = code;
    this.status = spec.status;
    this.wsClose = spec.wsClose;
    this.rpcCode = spec.rpcCode;
    if (data !== undefined) this.data = data;
  }
}

/** Builds the catalog error `code`, filling its message template with `args`. */
export function createError(code: ErrorCode, ...args: unknown[]): RxPulsarError {
  const spec = ERROR_CATALOG[code];
  if (spec === undefined) throw new TypeError(`Unknown error code ${String(code)}`);
  return new RxPulsarError(code, format(spec.message, ...args.map(stringifyArg)));
}

function stringifyArg(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return arg.message;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

/** True for catalog errors (from any module registry, thread or process), optionally of one code. */
export function isRxPulsarError(error: unknown, code?: ErrorCode): error is RxPulsarError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; [kRxPulsarError]?: unknown; name?: unknown };
  const ours =
    candidate[kRxPulsarError] === true ||
    (candidate.name === 'RxPulsarError' && typeof candidate.code === 'string' && candidate.code in ERROR_CATALOG);
  return ours && (code === undefined || candidate.code === code);
}

/** Plain-object form of any thrown value, for postMessage / IPC / JSON. */
export function serializeError(error: unknown, withStack = true): SerializedError {
  if (error instanceof Error) {
    const { code, data } = error as Error & { code?: unknown; data?: unknown };
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(data !== undefined ? { data } : {}),
      ...(withStack && error.stack ? { stack: error.stack } : {}),
    };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : stringifyArg(error) };
}

/** Rebuilds an error sent by {@link serializeError}: catalog codes come back as RxPulsarError. */
export function deserializeError(payload: SerializedError): Error {
  let error: Error;
  if (payload.code !== undefined && payload.code in ERROR_CATALOG) {
    error = new RxPulsarError(payload.code as ErrorCode, payload.message, payload.data);
  } else {
    error = new Error(payload.message);
    error.name = payload.name;
    if (payload.code !== undefined) (error as Error & { code: string }).code = payload.code;
    if (payload.data !== undefined) (error as Error & { data: unknown }).data = payload.data;
  }
  if (payload.stack) error.stack = payload.stack;
  return error;
}

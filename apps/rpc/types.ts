/**
 * Types of the JSON-RPC 2.0 app. Wire types come from json-rpc-2.0; these describe methods,
 * their signatures and the transports that carry calls.
 */
import type { Observable } from 'rxjs';
import type { JSONRPCID } from 'json-rpc-2.0';
import type { Logger } from '../../lib/log';

export type RpcId = JSONRPCID;

/** A JSON type name for param checks; `'integer'` is a number without fraction. */
export type RpcParamType = 'any' | 'array' | 'boolean' | 'integer' | 'null' | 'number' | 'object' | 'string';

/** One parameter of a method. */
export interface RpcParam {
  readonly name: string;
  /** May be left out (a default value, or `?` in a declaration). */
  readonly optional: boolean;
  /** Collects the remaining positional params (`...rest`). */
  readonly rest: boolean;
  /** Accepted JSON types; empty = any. */
  readonly types: readonly RpcParamType[];
}

/**
 * Declared signature of a method (see {@link rpcMethod}). Param strings read
 * `'name'`, `'name: number'`, `'name?: string|null'`, `'...rest: number'`.
 */
export interface RpcMethodSpec {
  /** Pass the {@link RpcCallContext} as the first argument (pulsar's `(request, ...params)`). */
  readonly context?: boolean;
  /** One line shown by `functions_list`. */
  readonly doc?: string;
  /** Params, in order; omitted = read the names from the function's source. */
  readonly params?: ReadonlyArray<string | RpcParam>;
  /** Group shown by `functions_list`. */
  readonly section?: string;
}

/** A method as the dispatcher holds it. */
export interface RpcMethodInfo {
  readonly doc: string;
  readonly name: string;
  /** Undefined when the names are unknown (native or bound functions): positional only. */
  readonly params: readonly RpcParam[] | undefined;
  readonly section: string;
  /** Params come as ONE object argument (a destructured `({ a, b })` parameter). */
  readonly singleObject: boolean;
  readonly withContext: boolean;
  readonly minArity: number;
  readonly maxArity: number;
}

/** How a call arrived. */
export interface RpcTransport {
  /** Requests to cancel calls in flight by id (WebSocket `rpc.cancel`). */
  readonly cancel$?: Observable<RpcId>;
  /** Called by the built-in `rpc.cancel` method. */
  readonly cancel?: (id: RpcId) => void;
  readonly kind: 'direct' | 'http' | 'websocket';
  /** The transport's own request: the HTTP request, or the WebSocket context. */
  readonly request?: unknown;
  /** The transport carries server→client notifications: Observable methods stream (`rpc.next`). */
  readonly streaming?: boolean;
}

/** What a method declared with `context: true` gets as first argument. */
export interface RpcCallContext {
  /** Undefined for notifications. */
  readonly id: RpcId | undefined;
  readonly method: string;
  /** Every exposed method (for `functions_list`). */
  readonly methods: ReadonlyMap<string, RpcMethodInfo>;
  readonly transport: RpcTransport;
}

export interface RpcDispatcherOptions {
  /**
   * Put the message, name and stack of internal errors in the error's `data` (never in
   * production: it leaks internals).
   * @default false
   */
  readonly debug?: boolean;
  /** Where internal errors of methods are logged. @default createLogger('rpc') */
  readonly logger?: Logger;
  /**
   * Largest batch accepted; a larger one gets one −32600 error.
   * @default 100
   */
  readonly maxBatchSize?: number;
}

/**
 * The transport-agnostic JSON-RPC 2.0 core: one JSON text in, the reply text out.
 */
import { isObservable, Observable, type Subscription } from 'rxjs';
import { JSONRPCErrorException, type JSONRPCError } from 'json-rpc-2.0';
import { createError, isRxPulsarError } from '../../lib/errors';
import { createLogger, type Logger } from '../../lib/log';
import { bindParams } from './bind-params';
import { collectMethods, type RpcEntry } from './registry';
import type { RpcCallContext, RpcDispatcherOptions, RpcMethodInfo, RpcTransport } from './types';
import { errorObject, errorText, notificationText, resultText, validateRequest, type ValidRequest } from './wire';

const DIRECT: RpcTransport = Object.freeze({ kind: 'direct' });

/** A piece of output of one call: a streamed notification, or the reply itself. */
interface Output {
  readonly reply: boolean;
  readonly text: string;
}

type Sync<T> = T | Promise<T>;

/**
 * Dispatches JSON-RPC 2.0 requests (single or batch) to the methods of a handler tree.
 *
 * ```
 * text  --{"method":"calc.add","params":[1,2],"id":1}-->  reply  {"jsonrpc":"2.0","id":1,"result":3}
 * ```
 *
 * Methods return values, Promises or Observables. Over request/reply transports an Observable's
 * last value is the result (null when it completes empty); on streaming transports
 * ({@link handle$} with `streaming: true`, i.e. WebSocket) each value is first sent as a
 * notification `{"method":"rpc.next","params":{"id":<call id>,"value":<v>}}` and the reply's result
 * is null.
 *
 * ## Example
 * ```ts
 * import { RpcDispatcher, serverCommands } from 'rxpulsar/apps/rpc';
 * const rpc = new RpcDispatcher([{ calc: { add: (a: number, b: number) => a + b } }, serverCommands()]);
 * await rpc.handle('{"jsonrpc":"2.0","method":"calc.add","params":{"a":1,"b":2},"id":1}');
 * // '{"jsonrpc":"2.0","id":1,"result":3}'
 * ```
 * @see rpcHttpHandler
 * @see rpcWebSocket
 */
export class RpcDispatcher {
  /** Every exposed method by dotted name. */
  readonly methods: ReadonlyMap<string, RpcMethodInfo>;
  readonly #table: Map<string, RpcEntry>;
  readonly #debug: boolean;
  readonly #logger: Logger;
  readonly #maxBatchSize: number;

  /**
   * @param handlers Objects (or class instances) whose methods are exposed; an array merges
   *   several trees (names must stay unique).
   */
  constructor(handlers: object | readonly object[], options: RpcDispatcherOptions = {}) {
    this.#table = collectMethods(handlers);
    this.methods = this.#table;
    this.#debug = options.debug ?? false;
    this.#logger = options.logger ?? createLogger('rpc');
    this.#maxBatchSize = options.maxBatchSize ?? 100;
  }

  /**
   * Answers one JSON-RPC text. Resolves with the reply text, or undefined when there is nothing
   * to send (notifications only, §4.1). Never rejects.
   */
  handle(text: string, transport: RpcTransport = DIRECT): Promise<string | undefined> {
    const payload = parse(text);
    if (payload === PARSE_ERROR) return Promise.resolve(parseErrorText());
    const reply = Array.isArray(payload) ? this.#batch(payload, transport) : this.#single(payload, transport);
    return typeof reply === 'object' ? reply : Promise.resolve(reply);
  }

  /**
   * The streaming form of {@link handle}: emits `rpc.next` notifications (Observable methods on
   * streaming transports), then the reply (if any), then completes. Unsubscribing cancels the calls
   * in flight (Observable methods are unsubscribed); so does `transport.cancel$` emitting a call's id.
   */
  handle$(text: string, transport: RpcTransport = DIRECT): Observable<string> {
    return new Observable<string>((subscriber) => {
      const payload = parse(text);
      if (payload === PARSE_ERROR) {
        subscriber.next(parseErrorText());
        subscriber.complete();
        return undefined;
      }
      if (!Array.isArray(payload)) {
        return this.#single$(payload, transport).subscribe({
          next: (out) => subscriber.next(out.text),
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
      }
      const refused = this.#refuseBatch(payload);
      if (refused !== undefined) {
        subscriber.next(refused);
        subscriber.complete();
        return undefined;
      }
      // Replies are gathered into one array, in request order; notifications go out as they come.
      const replies: Array<string | undefined> = new Array<string | undefined>(payload.length);
      let pending = payload.length;
      const subscriptions: Subscription[] = [];
      const done = (): void => {
        if (--pending > 0) return;
        const parts = replies.filter((r): r is string => r !== undefined);
        if (parts.length > 0) subscriber.next(`[${parts.join(',')}]`);
        subscriber.complete();
      };
      payload.forEach((item, index) => {
        subscriptions.push(
          this.#single$(item, transport).subscribe({
            next: (out) => (out.reply ? (replies[index] = out.text) : subscriber.next(out.text)),
            complete: done,
          }),
        );
      });
      return () => subscriptions.forEach((s) => s.unsubscribe());
    });
  }

  // --- one request -------------------------------------------------------------------------------

  /** Validates, binds and invokes; returns the reply text (or undefined), sync when it can. */
  #single(value: unknown, transport: RpcTransport): Sync<string | undefined> {
    const call = this.#prepare(value, transport);
    if (call.kind === 'reply') return call.text;
    const { request, entry, args } = call;
    let result: unknown;
    try {
      result = entry.withContext ? entry.invoke(this.#context(request, transport), ...args) : entry.invoke(...args);
    } catch (error) {
      return this.#failure(request, error);
    }
    if (isObservable(result)) result = lastOf(result);
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.#success(request, value),
        (error: unknown) => this.#failure(request, error),
      );
    }
    return this.#success(request, result);
  }

  /** Like #single, as an Observable that may stream values first. */
  #single$(value: unknown, transport: RpcTransport): Observable<Output> {
    return new Observable<Output>((subscriber) => {
      const emitReply = (text: string | undefined): void => {
        if (text !== undefined) subscriber.next({ reply: true, text });
        subscriber.complete();
      };
      const call = this.#prepare(value, transport);
      if (call.kind === 'reply') {
        emitReply(call.text);
        return undefined;
      }
      const { request, entry, args } = call;
      let result: unknown;
      try {
        result = entry.withContext ? entry.invoke(this.#context(request, transport), ...args) : entry.invoke(...args);
      } catch (error) {
        emitReply(this.#failure(request, error));
        return undefined;
      }
      let cancel: Subscription | undefined;
      let inner: Subscription | undefined;
      if (transport.cancel$ !== undefined && request.id !== undefined) {
        const id = request.id;
        cancel = transport.cancel$.subscribe((cancelled) => {
          if (cancelled !== id) return;
          inner?.unsubscribe();
          cancel?.unsubscribe();
          emitReply(errorText(id, errorObject(createError('RXP_ERR_RPC_CANCELLED', JSON.stringify(id)), false)));
        });
      }
      if (isObservable(result)) {
        const stream = transport.streaming === true && request.id !== undefined;
        let last: unknown = null;
        inner = result.subscribe({
          next: (v) => {
            if (!stream) {
              last = v;
              return;
            }
            const note = notificationText('rpc.next', { id: request.id, value: v });
            if (note !== undefined) subscriber.next({ reply: false, text: note });
          },
          error: (error: unknown) => emitReply(this.#failure(request, error)),
          complete: () => emitReply(this.#success(request, stream ? null : last)),
        });
      } else if (isThenable(result)) {
        Promise.resolve(result).then(
          (v) => !subscriber.closed && emitReply(this.#success(request, v)),
          (error: unknown) => !subscriber.closed && emitReply(this.#failure(request, error)),
        );
      } else {
        emitReply(this.#success(request, result));
      }
      return () => {
        cancel?.unsubscribe();
        inner?.unsubscribe();
      };
    });
  }

  #prepare(
    value: unknown,
    transport: RpcTransport,
  ): { kind: 'reply'; text: string | undefined } | { kind: 'call'; request: ValidRequest; entry: RpcEntry; args: unknown[] } {
    const request = validateRequest(value);
    if ('error' in request) return { kind: 'reply', text: errorText(request.id, errorObject(request.error, false)) };
    const entry = this.#table.get(request.method);
    if (entry === undefined) {
      if (request.method === 'rpc.cancel' && transport.cancel !== undefined) return this.#cancel(request, transport);
      return { kind: 'reply', text: this.#error(request, createError('RXP_ERR_RPC_METHOD_NOT_FOUND', request.method)) };
    }
    const args = bindParams(entry, request.params);
    if (!Array.isArray(args)) return { kind: 'reply', text: this.#error(request, args) };
    return { kind: 'call', request, entry, args };
  }

  /** Built-in `rpc.cancel` (params `[id]` or `{ id }`): asks the transport to cancel that call. */
  #cancel(request: ValidRequest, transport: RpcTransport): { kind: 'reply'; text: string | undefined } {
    const params = request.params as unknown;
    const target = Array.isArray(params) ? (params[0] as unknown) : (params as { id?: unknown } | undefined)?.id;
    if (typeof target !== 'string' && typeof target !== 'number') {
      return { kind: 'reply', text: this.#error(request, createError('RXP_ERR_RPC_INVALID_PARAMS', 'rpc.cancel', 'expected the id of a call in flight')) };
    }
    transport.cancel?.(target);
    return { kind: 'reply', text: request.id === undefined ? undefined : resultText(request.id, 'rpc.cancel', null) };
  }

  #context(request: ValidRequest, transport: RpcTransport): RpcCallContext {
    return { id: request.id, method: request.method, methods: this.methods, transport };
  }

  #success(request: ValidRequest, result: unknown): string | undefined {
    return request.id === undefined ? undefined : resultText(request.id, request.method, result);
  }

  #error(request: ValidRequest, error: unknown): string | undefined {
    return request.id === undefined ? undefined : errorText(request.id, errorObject(error, this.#debug));
  }

  /** A method failed: its own catalog/JSON-RPC errors go to the client; anything else is logged. */
  #failure(request: ValidRequest, error: unknown): string | undefined {
    if (!(isRxPulsarError(error) && error.rpcCode !== undefined) && !(error instanceof JSONRPCErrorException)) {
      this.#logger.error('method %s failed: %s', request.method, error instanceof Error ? error.stack : error);
    }
    return this.#error(request, error);
  }

  // --- batch -------------------------------------------------------------------------------------

  #refuseBatch(items: unknown[]): string | undefined {
    if (items.length === 0) return errorText(null, errorObject(createError('RXP_ERR_RPC_INVALID_REQUEST', 'empty batch'), false));
    if (items.length > this.#maxBatchSize) {
      return errorText(null, errorObject(createError('RXP_ERR_RPC_BATCH_TOO_LARGE', items.length, this.#maxBatchSize), false));
    }
    return undefined;
  }

  /** §6: one array of the replies (never a bare object, even for one reply); nothing if none. */
  #batch(items: unknown[], transport: RpcTransport): Sync<string | undefined> {
    const refused = this.#refuseBatch(items);
    if (refused !== undefined) return refused;
    const replies = items.map((item) => this.#single(item, transport));
    if (replies.some((r) => typeof r === 'object')) return Promise.all(replies).then(joinBatch);
    return joinBatch(replies as Array<string | undefined>);
  }
}

function joinBatch(replies: ReadonlyArray<string | undefined>): string | undefined {
  const parts = replies.filter((r): r is string => r !== undefined);
  return parts.length === 0 ? undefined : `[${parts.join(',')}]`;
}

const PARSE_ERROR = Symbol('parse error');

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return PARSE_ERROR;
  }
}

function parseErrorText(): string {
  const error: JSONRPCError = errorObject(createError('RXP_ERR_RPC_PARSE'), false);
  return errorText(null, error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The last value of an Observable (null when it completes empty), as a Promise. */
function lastOf(source: Observable<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let last: unknown = null;
    source.subscribe({ next: (v) => (last = v), error: reject, complete: () => resolve(last) });
  });
}

/**
 * JSON-RPC over WebSocket: a WebSocket route operator serving a dispatcher.
 */
import { mergeMap, Subject, type Observable } from 'rxjs';
import { messages, type WsContext, type WsHandler, type WsIncoming } from '../ws';
import type { RpcDispatcher } from './dispatcher';
import type { RpcId, RpcTransport } from './types';

export interface RpcWebSocketOptions {
  /**
   * Calls of one connection served at the same time; further messages wait (and, with the route's
   * `backpressure: 'wait'`, the peer is eventually not read).
   * @default 32
   */
  readonly concurrency?: number;
}

/**
 * A WebSocket route operator: each text (or binary, read as UTF-8) message is one JSON-RPC
 * request or batch; replies go back in completion order. Observable methods stream `rpc.next`
 * notifications; the `rpc.cancel` notification (params `[id]`) stops a call in flight (its reply
 * is a −32800 error); closing the connection stops them all.
 *
 * ```
 * message$  o--{id:1,ticks}----{rpc.cancel [1]}--c|
 * outgoing$ -----next--next-----{id:1,error -32800}|
 * ```
 *
 * ## Example
 * ```ts
 * import { webSocket } from 'rxpulsar/apps/ws';
 * import { RpcDispatcher, rpcWebSocket } from 'rxpulsar/apps/rpc';
 * const route = webSocket('/rpc', rpcWebSocket(new RpcDispatcher(handlers)));
 * ```
 */
export function rpcWebSocket(dispatcher: RpcDispatcher, options: RpcWebSocketOptions = {}): WsHandler {
  const concurrency = options.concurrency ?? 32;
  return (message$: Observable<WsIncoming>, context: WsContext): Observable<string> => {
    const cancel$ = new Subject<RpcId>();
    const transport: RpcTransport = {
      kind: 'websocket',
      request: context,
      streaming: true,
      cancel$,
      cancel: (id) => cancel$.next(id),
    };
    return message$.pipe(
      messages(),
      mergeMap((data) => dispatcher.handle$(typeof data === 'string' ? data : data.toString('utf8'), transport), concurrency),
    );
  };
}

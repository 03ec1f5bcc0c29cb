/**
 * Small operators and values for WebSocket routes.
 */
import { Observable, filter, map, type OperatorFunction } from 'rxjs';
import type { WsCloseCommand, WsIncoming, WsMessage } from './types';

/**
 * Keeps the data of data messages (drops `open` and `close`).
 *
 * ```
 * message$   o--m(a)--m(b)--c|
 * messages() ---a-----b-----|
 * ```
 *
 * ## Example
 * ```ts
 * import { messages, webSocket } from 'rxpulsar/apps/ws';
 * const echo = webSocket('/echo', (message$) => message$.pipe(messages()));
 * ```
 */
export function messages(): OperatorFunction<WsIncoming, string | Buffer> {
  // One subscriber hop instead of filter + map: this sits on every message of every route.
  return (source$) =>
    new Observable<string | Buffer>((subscriber) =>
      source$.subscribe({
        next: (event) => {
          if (event.type === 'message') subscriber.next(event.data);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * Keeps the text messages, as strings.
 *
 * ```
 * message$       o--m("a")--m(<bin>)--m("b")--c|
 * textMessages() ---a-------------------b-----|
 * ```
 */
export function textMessages(): OperatorFunction<WsIncoming, string> {
  return (source$) => source$.pipe(filter(isText), map(dataOf as (m: WsMessage) => string));
}

/** True for data messages. */
export function isMessage(event: WsIncoming): event is WsMessage {
  return event.type === 'message';
}

function isText(event: WsIncoming): event is WsMessage {
  return event.type === 'message' && !event.binary;
}

function dataOf(message: WsMessage): string | Buffer {
  return message.data;
}

/**
 * The value to emit on `outgoing$` to close the connection with `code` (RFC 6455 §7.4).
 *
 * ## Example
 * ```ts
 * import { closeWith } from 'rxpulsar/apps/ws';
 * outgoing$ = of('bye', closeWith(4000, 'done'));
 * ```
 */
export function closeWith(code = 1000, reason = ''): WsCloseCommand {
  return { type: 'close', code, reason };
}

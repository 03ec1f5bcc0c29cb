/**
 * The chat's WebSocket route: one connection, one (would-be) member of the worker's room.
 */
import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  filter,
  finalize,
  ignoreElements,
  map,
  merge,
  mergeMap,
  of,
  Subject,
  throwError,
  timeout,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { closeWith, textMessages, type WsContext, type WsHandler, type WsIncoming, type WsOutgoing } from 'rxpulsar/apps/ws';
import { parseClientMessage, type DirectMessage } from './protocol';
import type { ChatRoom } from './room';

export interface ChatRouteOptions {
  /**
   * Messages of one connection waiting to be published; one more closes the connection with
   * 1008 (a client flooding the room would otherwise grow the worker's memory).
   * @default 64
   */
  readonly maxPending?: number;
  /** Ms a new connection waits for the room to be ready before it is closed with 1013. @default 10000 */
  readonly readyTimeout?: number;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

const json = (value: DirectMessage | object): string => JSON.stringify(value);
const problem = (error: string): string => json({ type: 'error', error });

/**
 * The route operator: the client first gets a `welcome` (once the room reads its channel), then
 * every event of the room; it joins with `{"type":"join","name"}` and speaks with
 * `{"type":"message","text"}`. Its messages are published one after the other (so they arrive in
 * the order sent); a connection that joined leaves when it closes.
 *
 * ```
 * message$   o----{join ada}------{message hi}---------c|
 * outgoing$  -welcome--{join ada}-----{message ada: hi}--   (+ every other member's events)
 * ```
 * @param room The worker's room.
 * @param welcome The welcome message (it names the serving worker).
 */
export function chatRoute(room: ChatRoom, welcome: () => DirectMessage, options: ChatRouteOptions = {}): WsHandler {
  const readyTimeout = options.readyTimeout ?? 10_000;
  const maxPending = options.maxPending ?? 64;
  const ready$ = room.ready$.pipe(
    timeout({ first: readyTimeout, scheduler: options.scheduler, with: () => throwError(() => new Error('the chat is unavailable, try again later')) }),
  );

  const act = (member: number, text: string): Observable<string> => {
    const parsed = parseClientMessage(text);
    if ('error' in parsed) return of(problem(parsed.error));
    let published: Observable<string>;
    if (parsed.type === 'join') {
      const current = room.members.get(member);
      if (current !== undefined) return of(problem(`already joined as ${current}`));
      published = concat(room.join(member, parsed.name).pipe(ignoreElements()), of(json({ type: 'joined', name: parsed.name })));
    } else {
      const said = room.say(member, parsed.text);
      if (said === undefined) return of(problem('join first'));
      // The member sees its own message come back from the channel, like everyone else.
      published = said.pipe(ignoreElements());
    }
    return published.pipe(catchError(() => of(problem('the message could not be delivered'))));
  };

  return (message$: Observable<WsIncoming>, context: WsContext): Observable<WsOutgoing> =>
    defer(() => {
      const member = context.id;
      // Subscribed first: at the ready moment the welcome goes out before any own action runs.
      const room$ = ready$.pipe(
        mergeMap(() => concat(of(json(welcome())), room.events$.pipe(map((event) => json(event))))),
        catchError((error: Error) => of<WsOutgoing[]>(problem(error.message), closeWith(1013, 'try again later'))),
      );
      // What the flood guard says; it cannot go through own$, whose queue is the problem.
      const flood$ = new Subject<WsOutgoing>();
      let pending = 0;
      let flooded = false;
      // Subscribed at once, so nothing the client sends before the room is ready is lost.
      const own$ = message$.pipe(
        textMessages(),
        filter(() => {
          if (flooded) return false;
          if (pending < maxPending) {
            pending++;
            return true;
          }
          // Said once: the frames still arriving before the close are dropped without a word.
          flooded = true;
          flood$.next(problem(`more than ${maxPending} messages in flight`));
          flood$.next(closeWith(1008, 'too many messages'));
          return false;
        }),
        concatMap((text) =>
          ready$.pipe(
            concatMap(() => act(member, text)),
            catchError(() => EMPTY),
            finalize(() => pending--),
          ),
        ),
      );
      return merge(room$, flood$, own$).pipe(finalize(() => room.leave(member)));
    });
}

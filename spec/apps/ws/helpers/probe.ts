/**
 * A route that records what its `message$` saw (values, completion, error) so that specs can
 * await an event instead of sleeping.
 */
import { NEVER, filter, firstValueFrom, ReplaySubject, timeout, type Observable } from 'rxjs';
import { webSocket, type WsContext, type WsIncoming, type WsOutgoing, type WsRoute, type WsRouteOptions } from 'rxpulsar/apps/ws';

export type Entry = WsIncoming | { type: 'error'; error: Error & { code?: string } } | { type: 'complete' };

export interface Probe {
  readonly route: WsRoute;
  readonly log: ReplaySubject<Entry>;
  readonly contexts: WsContext[];
  /** Resolves with the first logged entry matching `predicate` (fails after 10 s). */
  until<T extends Entry>(predicate: (entry: Entry) => entry is T): Promise<T>;
  until(predicate: (entry: Entry) => boolean): Promise<Entry>;
}

export function probe(
  path: string,
  outgoing: (message$: Observable<WsIncoming>, context: WsContext) => Observable<WsOutgoing> = () => NEVER,
  options: WsRouteOptions = {},
): Probe {
  const log = new ReplaySubject<Entry>();
  const contexts: WsContext[] = [];
  const route = webSocket(
    path,
    (message$, context) => {
      contexts.push(context);
      message$.subscribe({
        next: (event) => log.next(event),
        error: (error: Error) => log.next({ type: 'error', error }),
        complete: () => log.next({ type: 'complete' }),
      });
      return outgoing(message$, context);
    },
    options,
  );
  return {
    route,
    log,
    contexts,
    until: (predicate: (entry: Entry) => boolean) => firstValueFrom(log.pipe(filter(predicate), timeout(10_000))),
  };
}

export const isType =
  <K extends Entry['type']>(type: K) =>
  (entry: Entry): entry is Extract<Entry, { type: K }> =>
    entry.type === type;

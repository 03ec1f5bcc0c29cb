/**
 * The messaging API that works the same in the arbiter and in any worker: `send`, `request`,
 * `spawn`. In a worker, commands leave through its mailbox and the arbiter routes them; in the
 * arbiter, through the arbiter's own mailbox.
 */
import { Observable, defer, map } from 'rxjs';
import { ActorRef, type ActorRefData } from './actor-ref';
import { arbiter, type SpawnOptions } from './arbiter';
import { currentActor } from './current';
import { ARBITER } from './protocol';
import type { Target } from './target';

/** Default time to wait for a reply, ms. */
export const DEFAULT_SEND_TIMEOUT = 30_000;

export interface RequestOptions {
  readonly to: Target;
  readonly command: string;
  readonly args?: readonly unknown[];
  /** ms until the first reply; 0 or Infinity waits forever (streams). @default 30000 */
  readonly timeout?: number;
}

/**
 * Sends `command` to `target`: a cold Observable that sends on subscribe, emits the reply (or the
 * values of a streamed reply) and completes. No reply within 30 s errors it with
 * `RXP_ERR_TIMEOUT`; unsubscribing before the reply tells the remote side to cancel the work.
 *
 * ```
 * send(ref, 'ping'):  ----(pong|)
 * ```
 *
 * @param target an ActorRef, an actor id, 'arbiter', a monitor name or an actor name
 */
export function send<T = unknown>(target: Target, command: string, ...args: unknown[]): Observable<T> {
  return request<T>({ to: target, command, args });
}

/** `send` with options (timeout). */
export function request<T = unknown>(options: RequestOptions): Observable<T> {
  // One Observable whose subscribe starts the request (not defer + the mailbox's own Observable):
  // this is the path of every command.
  return new Observable<T>((subscriber) => {
    const { to, command, args = [], timeout = DEFAULT_SEND_TIMEOUT } = options;
    return (currentActor() ?? arbiter()).startRequest(subscriber, to, command, args, timeout);
  });
}

/**
 * Spawns a supervised actor and emits its `ActorRef` once it has completed its handshake. From a
 * worker, the arbiter spawns it (actors are always children of the arbiter).
 */
export function spawn(options: SpawnOptions = {}): Observable<ActorRef> {
  return defer(() => {
    const actor = currentActor();
    if (!actor) return arbiter().spawn(options);
    return actor
      .request<ActorRefData>(ARBITER, 'spawn', [options], DEFAULT_SEND_TIMEOUT * 2)
      .pipe(map((data) => new ActorRef(data, (target, command, args) => request({ to: target, command, args }))));
  });
}

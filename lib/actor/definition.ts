/**
 * How a module defines an actor's behaviour: named commands plus start/stop hooks. The module's
 * default export is the definition; its other exported functions can be called with `run`.
 *
 * ```ts
 * // counter.ts
 * import { defineActor } from 'rxpulsar';
 * let n = 0;
 * export default defineActor({ commands: { increment: (_ctx, by: number) => (n += by) } });
 * export function reset() { n = 0; }
 * ```
 */
import type { Observable } from 'rxjs';
import type { CommandHandler } from './mailbox';
import type { ActorContext } from './context';

export interface ActorDefinition {
  /** Commands by name, in addition to the built-in ones (`ping`, `echo`, `info`, `run`, ...). */
  readonly commands?: Readonly<Record<string, CommandHandler>>;
  /** Runs before the actor reports itself started; an error or rejection fails the spawn. */
  start?(actor: ActorContext): void | Promise<void> | Observable<unknown>;
  /** Runs when the actor stops (graceful): finish in-flight work here, within `graceful_timeout`. */
  stop?(actor: ActorContext): void | Promise<void> | Observable<unknown>;
  /** Extra fields merged into the `info` reply and every heartbeat. */
  info?(actor: ActorContext): Record<string, unknown>;
}

/** Identity function that types an actor definition. */
export function defineActor<D extends ActorDefinition>(definition: D): D {
  return definition;
}

/**
 * The actor hosted by this thread or process (thread and process workers only; inline actors
 * share the arbiter's thread and get their context passed explicitly).
 */
import type { ActorRuntime } from './actor';

let current: ActorRuntime | undefined;

export function setCurrentActor(actor: ActorRuntime | undefined): void {
  current = actor;
}

/** The actor this thread/process hosts, or undefined in the arbiter. */
export function currentActor(): ActorRuntime | undefined {
  return current;
}

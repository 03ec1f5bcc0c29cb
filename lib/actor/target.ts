/**
 * Addresses of `send()`: an ActorRef (or anything with an `aid`), an actor id, `'arbiter'`, a
 * monitor name, or an actor name (the arbiter resolves names to a running actor).
 */
export interface ActorRefLike {
  readonly aid: string;
}

export type Target = ActorRefLike | string;

export function targetAddress(target: Target): string {
  return typeof target === 'string' ? target : target.aid;
}

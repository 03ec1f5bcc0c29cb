/**
 * What the shell puts at hand: the runtime of this arbiter (`arbiter`, `spawn`, `send`,
 * `request`, `actors()`) and RxJS (`rx`, plus every rxjs function by its own name, so
 * `interval(100).pipe(take(3))` can be typed as is).
 */
import * as rx from 'rxjs';
import { arbiter, type Arbiter } from '../../lib/actor/arbiter';
import { request, send, spawn } from '../../lib/actor/api';
import type { SlotState } from '../../lib/actor/supervisor';
import type { Concurrency } from '../../lib/config/settings';

/** One line of `actors()`: a supervised actor of this arbiter. */
export interface ActorListing {
  readonly aid: string;
  readonly name: string;
  readonly state: SlotState;
  readonly concurrency: Concurrency;
  readonly monitor?: string;
  readonly pid?: number;
  readonly restarts: number;
}

/** The actors the arbiter supervises now (spawned ones and monitors' workers). */
export function listActors(a: Arbiter = arbiter()): ActorListing[] {
  return a.actors().map((s) => ({
    aid: s.aid,
    name: s.name,
    state: s.state,
    concurrency: s.concurrency,
    ...(s.monitor ? { monitor: s.monitor } : {}),
    ...(s.pid !== undefined ? { pid: s.pid } : {}),
    restarts: s.restarts,
  }));
}

/**
 * The names the shell defines: every rxjs export, `rx` (the rxjs namespace), and the runtime.
 * Runtime names come last so that they win over an rxjs export of the same name.
 */
export function runtimeContext(a: Arbiter = arbiter()): Record<string, unknown> {
  return {
    ...rx,
    rx,
    arbiter: a,
    spawn,
    send,
    request,
    actors: () => listActors(a),
  };
}

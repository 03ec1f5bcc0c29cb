import { threadId } from 'node:worker_threads';
import { Observable, ReplaySubject } from 'rxjs';
import { ActorRuntime } from '../actor/actor';
import type { BootData } from '../actor/boot';
import { inlineChannelPair } from '../actor/channel';
import type { ActorDefinition } from '../actor/definition';
import type { ActorHost, HostExit } from './host';

export interface InlineHostSpec {
  readonly boot: BootData;
  /** The behaviour module's exports (already loaded in this thread). */
  readonly module?: Record<string, unknown>;
  /** A definition given directly (app workers), overriding the module's default export. */
  readonly definition?: ActorDefinition;
}

/**
 * Runs an actor in the arbiter's own event loop, over an in-memory channel: same protocol, no
 * isolation. A busy loop in an inline actor blocks the arbiter too, so `kill()` can only tear it
 * down between events — use thread or process concurrency for untrusted work.
 */
export function startInlineHost(spec: InlineHostSpec): ActorHost & { readonly actor: ActorRuntime } {
  const [arbiterEnd, actorEnd, close] = inlineChannelPair();
  const exit = new ReplaySubject<HostExit>(1);
  let ended = false;
  const end = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (ended) return;
    ended = true;
    // Let replies already posted reach the arbiter before the channel closes.
    queueMicrotask(() => {
      close();
      exit.next({ code, signal });
      exit.complete();
    });
  };
  const module = spec.definition ? { ...(spec.module ?? {}), default: spec.definition } : spec.module;
  const actor = new ActorRuntime({ boot: spec.boot, channel: actorEnd, exit: (code) => end(code, null), module });
  setImmediate(() => {
    if (!ended) void actor.start();
  });
  return {
    pid: process.pid,
    threadId,
    channel: arbiterEnd,
    exit$: exit.asObservable() as Observable<HostExit>,
    kill: () => end(null, 'SIGKILL'),
    actor,
  };
}

/**
 * The arbiter's handle on one running actor incarnation: its channel, its exit, and how to kill
 * it. One implementation per concurrency: thread, process, inline.
 */
import type { Observable } from 'rxjs';
import type { BootData } from '../actor/boot';
import type { Channel } from '../actor/channel';

export interface HostExit {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ActorHost {
  readonly pid: number;
  readonly threadId: number;
  readonly channel: Channel;
  /** Emits once when the thread/process/inline actor has ended, then completes. */
  readonly exit$: Observable<HostExit>;
  /** Ends it now: SIGKILL for a process, `terminate()` for a thread, teardown for inline. */
  kill(): void;
}

export interface HostSpec {
  readonly boot: BootData;
  /** File the thread/process starts from: the worker entry, or the user's main script. */
  readonly entry: string;
  /** argv for the entry (app workers get the arbiter's own argv, as cluster does). */
  readonly argv?: readonly string[];
  /** A listening socket handle to pass to a process worker over IPC. */
  readonly listenHandle?: object;
}

export function describeExit(exit: HostExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

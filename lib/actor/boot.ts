/**
 * What a new actor is told about itself when its host (thread, process, inline) starts it, and
 * how a worker finds out that it is one (like `cluster`'s NODE_UNIQUE_ID): `workerData.rxpulsar`
 * in a thread, the `RXPULSAR_ACTOR` environment variable in a process.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import type { SettingValues } from '../config/config';
import type { Concurrency } from '../config/settings';

export interface BootData {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  /** Module whose default export is the actor definition (`defineActor`) and whose named exports `run` can call. */
  readonly module?: string;
  /** Application name, for workers that re-run the user's main script (cluster style). */
  readonly app?: string;
  /** Name of the supervising monitor, if any. */
  readonly monitor?: string;
  /** Resolved settings of the actor (its application's configuration). */
  readonly config: SettingValues;
  readonly positional?: readonly string[];
  /** Heartbeat period in ms. */
  readonly notifyInterval: number;
  /** Restart count so far (0 for the first incarnation). */
  readonly restarts: number;
  /** File descriptor of a listening socket (thread/inline workers of socket apps). */
  readonly listenFd?: number;
  /** A listening socket handle follows on the IPC channel (process workers of socket apps). */
  readonly listenViaIpc?: boolean;
  /** Extra parameters given to `spawn()`, available to the actor as `ctx.params`. */
  readonly params?: Record<string, unknown>;
}

export const BOOT_ENV = 'RXPULSAR_ACTOR';

let cached: BootData | undefined | null = null;

/** The boot data of this thread or process, when it hosts an actor (not inline ones). */
export function hostedBootData(): BootData | undefined {
  if (cached !== null) return cached;
  if (!isMainThread) {
    cached = (workerData as { rxpulsar?: BootData } | null)?.rxpulsar;
    return cached;
  }
  const raw = process.env[BOOT_ENV];
  // Read once and removed, so that processes this actor starts do not think they are actors too.
  delete process.env[BOOT_ENV];
  cached = raw && typeof process.send === 'function' ? (JSON.parse(raw) as BootData) : undefined;
  return cached;
}

/** True in a thread or process that hosts an actor started by rxpulsar (like `cluster.isWorker`). */
export function isWorker(): boolean {
  return hostedBootData() !== undefined;
}

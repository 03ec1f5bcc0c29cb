/**
 * What an actor's code sees of its actor: identity, configuration, logging, messaging, and the
 * hooks a hosted application uses (request counting, stop hooks, the listening socket).
 */
import type { Observable } from 'rxjs';
import type { Config } from '../config/config';
import type { Concurrency } from '../config/settings';
import type { Logger } from '../log';
import type { CommandHandler } from './mailbox';
import type { Target } from './target';

export type ActorState = 'initial' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface ActorInfo {
  readonly aid: string;
  readonly name: string;
  readonly state: ActorState;
  readonly concurrency: Concurrency;
  readonly pid: number;
  readonly threadId: number;
  /** Seconds since start. */
  readonly uptime: number;
  readonly memory: { readonly rss: number; readonly heapUsed: number; readonly heapTotal: number; readonly external: number };
  readonly cpu: { readonly user: number; readonly system: number };
  readonly loopLag: { readonly mean: number; readonly max: number; readonly p99: number };
  /** Requests (or messages) served, as counted by the hosted app. */
  readonly requests: number;
  /** Requests in flight through the mailbox, both ways. */
  readonly mailbox: number;
  readonly restarts: number;
  readonly [extra: string]: unknown;
}

export interface ActorContext {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  readonly config: Config;
  readonly log: Logger;
  readonly state: ActorState;
  /** Parameters given to `spawn({ params })`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Sends a command from this actor (routed by the arbiter). */
  send<T = unknown>(target: Target, command: string, ...args: unknown[]): Observable<T>;
  /** Registers (or replaces) a command of this actor. */
  command(name: string, handler: CommandHandler): void;
  /** Counts served requests (shown in `info`, drives `max_requests` recycling). */
  countRequests(n?: number): void;
  /** Adds a live source of served requests (a protocol handler's counter) to the count. */
  addRequestCounter(counter: () => number): void;
  /** Runs `fn` when the actor stops, before it exits; awaited within `graceful_timeout`. */
  onStop(fn: () => void | Promise<void>): void;
  /** Extra `info` fields, merged into every heartbeat. */
  addInfo(fn: () => Record<string, unknown>): void;
  info(): ActorInfo;
  /** Asks the actor to stop (graceful). */
  stop(reason?: string): void;
}

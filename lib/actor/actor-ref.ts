import type { Observable } from 'rxjs';
import type { Concurrency } from '../config/settings';

/** Serializable identity of an actor; what `spawn()` emits and what crosses threads. */
export interface ActorRefData {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  /** pid of the process hosting the actor (at the time the ref was made; changes on restart). */
  readonly pid: number;
  /** worker_threads id (0 for the main thread of a process). */
  readonly threadId: number;
  readonly monitor?: string;
}

/** A handle on an actor: its identity plus `send`. Still valid after the actor is restarted. */
export class ActorRef implements ActorRefData {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  readonly pid: number;
  readonly threadId: number;
  readonly monitor?: string;
  readonly #send: (target: ActorRefData, command: string, args: unknown[]) => Observable<unknown>;

  constructor(data: ActorRefData, send: (target: ActorRefData, command: string, args: unknown[]) => Observable<unknown>) {
    this.aid = data.aid;
    this.name = data.name;
    this.concurrency = data.concurrency;
    this.pid = data.pid;
    this.threadId = data.threadId;
    if (data.monitor !== undefined) this.monitor = data.monitor;
    this.#send = send;
  }

  /** `send(this, command, ...args)`. */
  send<T = unknown>(command: string, ...args: unknown[]): Observable<T> {
    return this.#send(this, command, args) as Observable<T>;
  }

  toJSON(): ActorRefData {
    return { aid: this.aid, name: this.name, concurrency: this.concurrency, pid: this.pid, threadId: this.threadId, ...(this.monitor ? { monitor: this.monitor } : {}) };
  }

  toString(): string {
    return `${this.name}(${this.aid})`;
  }
}

import { randomUUID } from 'node:crypto';
import type { Supervisor } from './supervisor';

/** A new actor id: 8 hex characters of a UUID, as pulsar's aids. */
export function newId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 8);
}

/** What `info` and the dashboard show of a supervised actor. */
export function actorSummary(a: Supervisor): Record<string, unknown> {
  return {
    aid: a.aid,
    name: a.name,
    state: a.state,
    concurrency: a.concurrency,
    monitor: a.monitor,
    pid: a.pid,
    threadId: a.threadId,
    restarts: a.restarts,
    info: a.info,
  };
}

/**
 * Supervises one actor (a "slot" with a stable id) across its incarnations: starts its host,
 * waits for the handshake, watches its heartbeats, and when it dies or goes silent decides —
 * through the {@link restartPolicy} operator — to restart it after a backoff or to escalate.
 *
 * Restart types follow OTP: `permanent` is always restarted, `transient` only after an abnormal
 * exit (crash, kill, heartbeat timeout), `temporary` never.
 *
 * All timing goes through the injected scheduler, so supervision is testable in virtual time with
 * fake hosts.
 */
import { Subject, asyncScheduler, type SchedulerLike, type Subscription, ReplaySubject } from 'rxjs';
import type { Concurrency } from '../config/settings';
import { createError } from '../errors';
import type { Logger } from '../log';
import { heartbeatTimeout } from '../supervision/heartbeat-timeout';
import { restartPolicy, type RestartPolicyOptions } from '../supervision/restart-policy';
import type { ActorHost, HostExit } from '../concurrency/host';
import { describeExit } from '../concurrency/host';
import type { ActorInfo } from './context';
import type { ActorEvent, ActorEventType } from './events';
import type { Router } from './router';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type SlotState = 'spawning' | 'running' | 'stopping' | 'restarting' | 'stopped' | 'escalated';

export interface SupervisorOptions {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  readonly monitor?: string;
  /** Starts incarnation number `restarts` (0 first). */
  readonly startHost: (restarts: number) => ActorHost;
  readonly router: Router;
  readonly emit: (event: ActorEvent) => void;
  readonly log: Logger;
  /** Heartbeat timeout, ms. */
  readonly timeout: number;
  /** Time allowed from start to handshake, ms. @default max(timeout, 30000) */
  readonly spawnTimeout?: number;
  /** Time an actor gets to exit after `stop`, before it is killed, ms. */
  readonly gracefulTimeout: number;
  /** Time a silent (timed-out) actor gets to exit after `stop`, before it is killed, ms. @default 1000 */
  readonly killGrace?: number;
  readonly restart?: RestartType;
  readonly policy?: RestartPolicyOptions;
  readonly scheduler?: SchedulerLike;
}

export class Supervisor {
  readonly aid: string;
  readonly name: string;
  readonly concurrency: Concurrency;
  readonly monitor?: string;
  /** Emits each time an incarnation completes its handshake. */
  readonly started$ = new ReplaySubject<Supervisor>(1);
  /** Emits once when the slot is over (stopped or escalated), then completes. */
  readonly ended$ = new ReplaySubject<SlotState>(1);
  #state: SlotState = 'spawning';
  #host: ActorHost | undefined;
  #info: ActorInfo | undefined;
  #restarts = 0;
  #stopRequested = false;
  #timedOut = false;
  #silentReason = '';
  #ended = false;
  #beats = new Subject<void>();
  readonly #crashes = new Subject<string>();
  readonly #subscriptions: Subscription[] = [];
  #incarnation: Subscription[] = [];
  readonly #options: SupervisorOptions;
  readonly #scheduler: SchedulerLike;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.aid = options.aid;
    this.name = options.name;
    this.concurrency = options.concurrency;
    this.monitor = options.monitor;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#subscriptions.push(
      this.#crashes.pipe(restartPolicy({ scheduler: this.#scheduler, ...options.policy })).subscribe((decision) => {
        if (this.#stopRequested) return;
        if (decision.action === 'restart') {
          this.#restarts++;
          this.#launch();
        } else {
          this.#state = 'escalated';
          const error = createError('RXP_ERR_ESCALATED', `${this.name}(${this.aid})`, decision.crashes, options.policy?.period ?? 30_000);
          options.log.error(error.message);
          this.#emit('actor:escalated', { reason: error.message });
          this.#end('escalated');
        }
      }),
    );
  }

  get state(): SlotState {
    return this.#state;
  }
  get pid(): number | undefined {
    return this.#host?.pid;
  }
  get threadId(): number | undefined {
    return this.#host?.threadId;
  }
  get restarts(): number {
    return this.#restarts;
  }
  /** Last heartbeat info of the running incarnation. */
  get info(): ActorInfo | undefined {
    return this.#info;
  }
  start(): this {
    this.#launch();
    return this;
  }

  /** Called by the arbiter's `notify` command for this actor. */
  notified(info: ActorInfo, first: boolean): void {
    if (!this.#host) return;
    this.#info = info;
    this.#beats.next();
    if (first && (this.#state === 'spawning' || this.#state === 'restarting')) {
      this.#state = 'running';
      this.#emit(this.#restarts === 0 ? 'actor:started' : 'actor:restarted', { reason: this.#restarts ? `restart #${this.#restarts}` : undefined });
      this.started$.next(this);
    } else {
      this.#emit('actor:notified', { data: info });
    }
  }

  /**
   * Graceful stop: the actor gets `stop`, then `gracefulMs` to finish before it is killed.
   * Resolves when it has exited (it is not restarted).
   */
  stop(reason = 'stop', gracefulMs = this.#options.gracefulTimeout): Promise<void> {
    const done = new Promise<void>((resolve) => this.ended$.subscribe(() => resolve()));
    if (this.#stopRequested) return done;
    this.#stopRequested = true;
    if (!this.#host) {
      this.#end('stopped');
      return done;
    }
    this.#state = 'stopping';
    this.#emit('actor:stopping', { reason });
    this.#askToStop(gracefulMs);
    return done;
  }

  /** Immediate stop: kill now, no restart. */
  kill(reason = 'kill'): Promise<void> {
    const done = new Promise<void>((resolve) => this.ended$.subscribe(() => resolve()));
    this.#stopRequested = true;
    if (!this.#host) this.#end('stopped');
    else {
      if (this.#state !== 'stopping') this.#emit('actor:stopping', { reason });
      this.#state = 'stopping';
      this.#host.kill();
    }
    return done;
  }

  /**
   * Kills the running incarnation as a crash would (SIGKILL / `terminate()`): the supervisor then
   * restarts it per its policy. For "restart this worker" buttons and failure drills.
   */
  terminate(): void {
    this.#host?.kill();
  }

  #launch(): void {
    const options = this.#options;
    this.#state = this.#restarts === 0 ? 'spawning' : 'restarting';
    this.#timedOut = false;
    this.#info = undefined;
    let host: ActorHost;
    try {
      host = options.startHost(this.#restarts);
    } catch (error) {
      options.log.error('cannot start %s(%s): %s', this.name, this.aid, (error as Error).message);
      this.#crashes.next(`start failed: ${(error as Error).message}`);
      return;
    }
    this.#host = host;
    options.router.attach(this.aid, this.name, host.channel);
    if (this.#restarts === 0) this.#emit('actor:spawned');
    this.#beats = new Subject<void>();
    const spawnTimeout = options.spawnTimeout ?? Math.max(options.timeout, 30_000);
    // Until the handshake the allowance is the spawn timeout (pulsar never timed out actors that
    // failed to hand-shake); after it, each heartbeat re-arms the heartbeat timeout.
    this.#incarnation = [
      host.exit$.subscribe((exit) => this.#onExit(host, exit)),
      this.#beats.pipe(heartbeatTimeout(options.timeout, this.#scheduler)).subscribe(() => {
        if (this.#state === 'running') this.#onSilent(`heartbeat timeout (${options.timeout} ms)`);
      }),
    ];
    const spawnWatch = this.#scheduler.schedule(() => {
      if (this.#host === host && (this.#state === 'spawning' || this.#state === 'restarting')) {
        this.#onSilent(`no handshake within ${spawnTimeout} ms`);
      }
    }, spawnTimeout);
    this.#incarnation.push(spawnWatch);
  }

  /** Silent actor (busy loop, deadlock): stop it, then kill it after a short grace. */
  #onSilent(reason: string): void {
    this.#timedOut = true;
    this.#options.log.warn('%s(%s): %s; stopping it', this.name, this.aid, reason);
    this.#emit('actor:stopping', { reason });
    this.#state = 'stopping';
    this.#silentReason = reason;
    this.#askToStop(this.#options.killGrace ?? 1000);
  }

  #askToStop(graceMs: number): void {
    const host = this.#host;
    if (!host) return;
    host.channel.post({ k: 'req', id: 0, from: 'arbiter', to: this.aid, cmd: 'stop', args: [], ack: false });
    const killer = this.#scheduler.schedule(() => {
      if (this.#host === host) {
        this.#options.log.warn('%s(%s) did not exit within %d ms: killing it', this.name, this.aid, graceMs);
        host.kill();
      }
    }, graceMs);
    this.#incarnation.push(killer);
  }

  #onExit(host: ActorHost, exit: HostExit): void {
    if (this.#host !== host) return;
    for (const s of this.#incarnation) s.unsubscribe();
    this.#incarnation = [];
    this.#host = undefined;
    this.#beats.complete();
    const reason = this.#timedOut ? this.#silentReason : describeExit(exit);
    this.#options.router.detach(this.aid, reason);
    const normal = exit.code === 0 && !this.#timedOut;
    const restartType = this.#options.restart ?? 'transient';
    if (this.#stopRequested || restartType === 'temporary' || (normal && restartType === 'transient')) {
      this.#emit('actor:stopped', { reason, pid: host.pid, threadId: host.threadId });
      this.#end('stopped');
      return;
    }
    this.#emit('actor:crashed', { reason, pid: host.pid, threadId: host.threadId });
    this.#state = 'restarting';
    this.#crashes.next(reason);
  }

  #end(state: SlotState): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#state = state;
    for (const s of this.#subscriptions) s.unsubscribe();
    this.ended$.next(state);
    this.ended$.complete();
    this.started$.complete();
  }

  #emit(type: ActorEventType, extra: Partial<ActorEvent> = {}): void {
    this.#options.emit({
      type,
      aid: this.aid,
      name: this.name,
      concurrency: this.concurrency,
      pid: this.#host?.pid,
      threadId: this.#host?.threadId,
      monitor: this.monitor,
      restarts: this.#restarts,
      time: this.#scheduler.now(),
      ...extra,
    });
  }
}

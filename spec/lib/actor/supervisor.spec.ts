import { ReplaySubject, Subject, VirtualTimeScheduler } from 'rxjs';
import type { ActorEvent } from 'rxpulsar';
import { Supervisor, type SupervisorOptions } from '../../../lib/actor/supervisor';
import { Router } from '../../../lib/actor/router';
import type { ActorHost, HostExit } from '../../../lib/concurrency/host';
import type { WireMessage } from '../../../lib/actor/protocol';
import type { ActorInfo } from '../../../lib/actor/context';
import { createLogger, configureLogging } from '../../../lib/log';

/** A host whose life the spec controls: what it posts, when it exits. */
class FakeHost implements ActorHost {
  readonly pid: number;
  readonly threadId = 0;
  readonly inbox: WireMessage[] = [];
  readonly exits = new ReplaySubject<HostExit>(1);
  readonly exit$ = this.exits.asObservable();
  readonly incoming = new Subject<WireMessage>();
  killed = false;
  readonly channel = { message$: this.incoming.asObservable(), post: (m: WireMessage) => this.inbox.push(m) };
  constructor(pid: number) {
    this.pid = pid;
  }
  kill(): void {
    this.killed = true;
    this.exit(null, 'SIGKILL');
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exits.next({ code, signal });
    this.exits.complete();
  }
}

const info = { requests: 0 } as unknown as ActorInfo;

function setup(overrides: Partial<SupervisorOptions> = {}) {
  configureLogging('none');
  const scheduler = new VirtualTimeScheduler();
  const hosts: FakeHost[] = [];
  const events: ActorEvent[] = [];
  const supervisor = new Supervisor({
    aid: 'a1',
    name: 'worker',
    concurrency: 'process',
    router: new Router(),
    log: createLogger('spec'),
    emit: (e) => events.push(e),
    timeout: 1000,
    spawnTimeout: 5000,
    gracefulTimeout: 3000,
    killGrace: 500,
    policy: { initialDelay: 100, factor: 2, intensity: 3, period: 60_000 },
    scheduler,
    startHost: () => {
      const host = new FakeHost(100 + hosts.length);
      hosts.push(host);
      return host;
    },
    ...overrides,
  });
  /** Runs `fn` at virtual time `at` (ms). */
  const at = (ms: number, fn: () => void): void => void scheduler.schedule(fn, ms);
  /** Runs virtual time up to `until` ms (heartbeat timeouts would otherwise go on forever). */
  const run = (until: number): void => {
    scheduler.maxFrames = until;
    scheduler.flush();
  };
  const types = (): string[] => events.filter((e) => e.type !== 'actor:notified').map((e) => `${e.type}@${e.time}`);
  return { scheduler, hosts, events, supervisor, at, types, run };
}

describe('Supervisor (virtual time)', () => {
  it('reports spawned and started at the handshake', () => {
    const { supervisor, at, run, types } = setup();
    supervisor.start();
    at(10, () => supervisor.notified(info, true));
    run(500);
    expect(supervisor.state).toBe('running');
    expect(types()).toEqual(['actor:spawned@0', 'actor:started@10']);
  });

  it('replaces a crashed actor after the backoff: crashed → restarted', () => {
    const { supervisor, at, run, hosts, types } = setup();
    supervisor.start();
    at(10, () => supervisor.notified(info, true));
    at(500, () => hosts[0].exit(null, 'SIGKILL'));
    at(650, () => supervisor.notified(info, true)); // the replacement's handshake
    run(1000);
    expect(hosts).toHaveLength(2);
    expect(types()).toEqual(['actor:spawned@0', 'actor:started@10', 'actor:crashed@500', 'actor:restarted@650']);
    expect(supervisor.restarts).toBe(1);
    expect(supervisor.pid).toBe(101);
  });

  it('stops a silent actor after `timeout`, kills it after the grace, and replaces it', () => {
    const { supervisor, at, run, hosts, events, types } = setup();
    supervisor.start();
    at(10, () => supervisor.notified(info, true));
    at(600, () => supervisor.notified(info, false)); // last heartbeat; then a busy loop
    at(2250, () => expect(hosts).toHaveLength(2)); // checkpoint: replaced by then
    at(2300, () => supervisor.notified(info, true));
    run(2500);
    expect(hosts[0].inbox.some((m) => m.k === 'req' && m.cmd === 'stop')).toBe(true);
    expect(hosts[0].killed).toBe(true);
    // silent from 600: stopping at 1600, killed at 2100 (500 ms grace), new host at 2200
    expect(types()).toEqual(['actor:spawned@0', 'actor:started@10', 'actor:stopping@1600', 'actor:crashed@2100', 'actor:restarted@2300']);
    expect(events.find((e) => e.type === 'actor:crashed')?.reason).toMatch(/heartbeat timeout/);
  });

  it('times out an actor that never hand-shakes (pulsar never did)', () => {
    const { supervisor, scheduler, hosts, types } = setup({ restart: 'temporary' });
    supervisor.start();
    scheduler.flush();
    expect(hosts[0].killed).toBe(true);
    expect(types()).toEqual(['actor:spawned@0', 'actor:stopping@5000', 'actor:stopped@5500']);
  });

  it('backs off on a crash loop, then escalates and gives up', () => {
    const { supervisor, scheduler, hosts, types } = setup({
      startHost: () => {
        const host = new FakeHost(100 + hosts.length);
        hosts.push(host);
        scheduler.schedule(() => host.exit(1), 5); // dies 5 ms after every start
        return host;
      },
    });
    let ended: string | undefined;
    supervisor.ended$.subscribe((state) => (ended = state));
    supervisor.start();
    scheduler.flush();
    // crashes at 5, 110 (5+100+5), 315 (110+200+5), 720 (315+400+5): the 4th exceeds intensity 3
    expect(types()).toEqual([
      'actor:spawned@0',
      'actor:crashed@5',
      'actor:crashed@110',
      'actor:crashed@315',
      'actor:crashed@720',
      'actor:escalated@720',
    ]);
    expect(hosts).toHaveLength(4);
    expect(ended).toBe('escalated');
    expect(supervisor.state).toBe('escalated');
  });

  it('stops gracefully on request without a restart', () => {
    const { supervisor, at, run, hosts, types } = setup({ restart: 'permanent' });
    supervisor.start();
    at(10, () => supervisor.notified(info, true));
    at(100, () => void supervisor.stop('scale down'));
    at(150, () => hosts[0].exit(0));
    run(5000);
    expect(hosts).toHaveLength(1);
    expect(types()).toEqual(['actor:spawned@0', 'actor:started@10', 'actor:stopping@100', 'actor:stopped@150']);
  });

  it('kills an actor that does not finish within graceful_timeout after stop', () => {
    const { supervisor, at, run, hosts, types } = setup();
    supervisor.start();
    at(10, () => supervisor.notified(info, true));
    at(100, () => void supervisor.stop('shutdown'));
    at(200, () => supervisor.notified(info, false));
    run(5000);
    expect(hosts[0].killed).toBe(true);
    expect(types()).toEqual(['actor:spawned@0', 'actor:started@10', 'actor:stopping@100', 'actor:stopped@3100']);
  });

  it.each([
    ['transient', 0, false],
    ['transient', 1, true],
    ['permanent', 0, true],
    ['temporary', 1, false],
  ] as const)('with restart %s and exit code %i restarts: %s', (restart, code, restarts) => {
    const { supervisor, at, run, hosts } = setup({ restart });
    supervisor.start();
    at(10, () => supervisor.notified(info, true));
    at(20, () => hosts[0].exit(code));
    at(400, () => supervisor.notified(info, true));
    run(600);
    expect(hosts.length === 2).toBe(restarts);
  });
});

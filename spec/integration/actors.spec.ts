import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, tap, toArray, take } from 'rxjs';
import { arbiter, configureLogging, isRxPulsarError, request, send, spawn, type ActorEvent, type ActorInfo, type ActorRef } from 'rxpulsar';
import { stopFdBroker } from '../../lib/net/fd-broker';
import { nextEvent, processAlive } from '../helpers/events';

const counter = join(__dirname, '..', 'fixtures', 'actors', 'counter.ts');
const crasher = join(__dirname, '..', 'fixtures', 'actors', 'crasher.ts');

beforeAll(() => {
  configureLogging('none');
  arbiter().config.set('log_level', 'none'); // spawned actors inherit it
});
afterAll(async () => {
  await arbiter().stop();
  stopFdBroker();
});

describe.each(['thread', 'process'] as const)('%s actors', (concurrency) => {
  let ref: ActorRef;

  beforeAll(async () => {
    ref = await firstValueFrom(spawn({ concurrency, module: counter, name: `counter-${concurrency}`, config: { timeout: 1 } }));
  });

  it('answers ping, echo, info and run', async () => {
    expect(await firstValueFrom(send(ref, 'ping'))).toBe('pong');
    expect(await firstValueFrom(send(ref, 'echo', { deep: [1, 'two', null] }))).toEqual({ deep: [1, 'two', null] });
    // Plain data and what only a structured clone carries (to a process, the first goes as JSON, the second cloned inside it).
    expect(await firstValueFrom(send(ref, 'echo', new Map([[1, new Date(5)]])))).toEqual(new Map([[1, new Date(5)]]));
    expect(await firstValueFrom(send(ref, 'echo', undefined))).toBeUndefined();
    expect(await firstValueFrom(send(ref, 'run', 'add', 40, 2))).toBe(42);
    expect(await firstValueFrom(send(ref, 'increment', 3))).toBe(3);
    const info = await firstValueFrom(send<ActorInfo>(ref, 'info'));
    expect(info).toMatchObject({ aid: ref.aid, name: `counter-${concurrency}`, state: 'running', concurrency });
    expect(info.memory.rss).toBeGreaterThan(0);
    expect(typeof info.loopLag.mean).toBe('number');
    if (concurrency === 'process') {
      expect(info.pid).not.toBe(process.pid);
      expect(info.threadId).toBe(0);
    } else {
      expect(info.pid).toBe(process.pid);
      expect(info.threadId).toBeGreaterThan(0);
    }
  });

  it('reaches the actor by name and errors on unknown commands, functions and actors', async () => {
    expect(await firstValueFrom(send(`counter-${concurrency}`, 'ping'))).toBe('pong');
    await expect(firstValueFrom(send(ref, 'no_such_command'))).rejects.toMatchObject({ code: 'RXP_ERR_UNKNOWN_COMMAND' });
    await expect(firstValueFrom(send(ref, 'run', 'nope'))).rejects.toMatchObject({ code: 'RXP_ERR_NOT_RUNNABLE' });
    await expect(firstValueFrom(send('nobody-here', 'ping'))).rejects.toMatchObject({ code: 'RXP_ERR_UNKNOWN_ACTOR' });
  });

  it('fails only a message that cannot be cloned, with RXP_ERR_UNCLONEABLE', async () => {
    // Posted in one turn, both would travel in one transfer: the good one must still arrive.
    const bad = firstValueFrom(send(ref, 'echo', () => 1)).catch((e: unknown) => e);
    const good = firstValueFrom(send(ref, 'echo', 'fine'));
    expect(isRxPulsarError(await bad, 'RXP_ERR_UNCLONEABLE')).toBe(true);
    expect(await good).toBe('fine');
    // A reply that cannot be cloned reaches its caller as the error; the actor goes on.
    await expect(firstValueFrom(send(ref, 'uncloneable'))).rejects.toMatchObject({ code: 'RXP_ERR_UNCLONEABLE' });
    // A stream: the values before the bad one arrive, then the error, and the stream is cancelled.
    const before = await firstValueFrom(send<number>(ref, 'cancelled'));
    const values: unknown[] = [];
    const streamError = await lastValueFrom(send(ref, 'badStream').pipe(tap((v) => values.push(v)))).catch((e: unknown) => e);
    expect(values).toEqual([1]);
    expect(isRxPulsarError(streamError, 'RXP_ERR_UNCLONEABLE')).toBe(true);
    expect(await firstValueFrom(send<number>(ref, 'cancelled'))).toBe(before + 1);
    // An error whose data cannot be cloned arrives without its data.
    const failed = (await firstValueFrom(send(ref, 'failWithData')).catch((e: unknown) => e)) as Error & { data?: unknown };
    expect(failed.message).toBe('with data');
    expect(failed.data).toBeUndefined();
    expect(await firstValueFrom(send(ref, 'ping'))).toBe('pong');
  });

  it('times out with the catalog error and cancels the remote work', async () => {
    const before = await firstValueFrom(send<number>(ref, 'cancelled'));
    const error = await firstValueFrom(request({ to: ref, command: 'hang', timeout: 100 })).catch((e: unknown) => e);
    expect(isRxPulsarError(error, 'RXP_ERR_TIMEOUT')).toBe(true);
    // The cancel travels on the same ordered channel as this next request, so it has arrived.
    expect(await firstValueFrom(send<number>(ref, 'cancelled'))).toBe(before + 1);
  });

  it('cancels the remote work when the caller unsubscribes before the reply', async () => {
    const before = await firstValueFrom(send<number>(ref, 'cancelled'));
    const subscription = send(ref, 'hang').subscribe();
    subscription.unsubscribe();
    expect(await firstValueFrom(send<number>(ref, 'cancelled'))).toBe(before + 1);
  });

  it('replaces an actor killed from outside: crashed → restarted', async () => {
    const crashed = nextEvent(arbiter().events$, (e) => e.aid === ref.aid && e.type === 'actor:crashed');
    const restarted = nextEvent(arbiter().events$, (e) => e.aid === ref.aid && e.type === 'actor:restarted');
    const info = await firstValueFrom(send<ActorInfo>(ref, 'info'));
    if (concurrency === 'process') process.kill(info.pid, 'SIGKILL');
    else arbiter().find(ref.aid)!.terminate();
    expect((await crashed).reason).toMatch(concurrency === 'process' ? /SIGKILL/ : /exit code 1/);
    await restarted;
    if (concurrency === 'process') expect(processAlive(info.pid)).toBe(false);
    // Same ref, new incarnation.
    expect(await firstValueFrom(send(ref, 'ping'))).toBe('pong');
    const after = await firstValueFrom(send<ActorInfo>(ref, 'info'));
    expect(after.restarts).toBe(1);
    expect(concurrency === 'process' ? after.pid : after.threadId).not.toBe(concurrency === 'process' ? info.pid : info.threadId);
  });

  it('detects an actor stuck in a busy loop within `timeout` and replaces it', async () => {
    const stopping = nextEvent(arbiter().events$, (e) => e.aid === ref.aid && e.type === 'actor:stopping');
    const restarted = nextEvent(arbiter().events$, (e) => e.aid === ref.aid && e.type === 'actor:restarted');
    const t0 = Date.now();
    expect(await firstValueFrom(send(ref, 'spin'))).toBe('spinning');
    const event = await stopping;
    expect(event.reason).toMatch(/heartbeat timeout/);
    // timeout is 1 s; heartbeats every 250 ms: detection within timeout + one heartbeat period
    expect(Date.now() - t0).toBeLessThan(3000);
    await restarted;
    expect(await firstValueFrom(send(ref, 'ping'))).toBe('pong');
  });

  it('backs off on a crash loop, then escalates', async () => {
    const events: ActorEvent[] = [];
    const subscription = arbiter().events$.subscribe((e) => e.name === `crasher-${concurrency}` && events.push(e));
    const error = await firstValueFrom(
      spawn({ concurrency, module: crasher, name: `crasher-${concurrency}`, policy: { initialDelay: 50, factor: 2, intensity: 3, period: 60_000 } }),
    ).catch((e: unknown) => e);
    subscription.unsubscribe();
    expect(isRxPulsarError(error, 'RXP_ERR_SPAWN_FAILED')).toBe(true);
    const crashes = events.filter((e) => e.type === 'actor:crashed');
    expect(crashes).toHaveLength(4);
    expect(crashes[0].reason).toBe('exit code 70');
    expect(events.at(-1)?.type).toBe('actor:escalated');
    // Each gap holds the backoff (50, 100, 200 ms) plus a start-up: they grow.
    const gaps = crashes.slice(1).map((e, i) => e.time - crashes[i].time);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(gaps[2]).toBeGreaterThanOrEqual(200);
  });

  it('stops on the stop command without a restart', async () => {
    const stopped = nextEvent(arbiter().events$, (e) => e.aid === ref.aid && e.type === 'actor:stopped');
    expect(await firstValueFrom(send(ref, 'stop'))).toBe('stopping');
    expect((await stopped).reason).toBe('exit code 0');
    await expect(firstValueFrom(send(ref, 'ping'))).rejects.toMatchObject({ code: 'RXP_ERR_UNKNOWN_ACTOR' });
  });
});

describe('actor to actor', () => {
  it('routes a command from a thread actor to a process actor through the arbiter', async () => {
    const a = await firstValueFrom(spawn({ concurrency: 'thread', module: counter, name: 'relay-a' }));
    const b = await firstValueFrom(spawn({ concurrency: 'process', module: counter, name: 'relay-b' }));
    expect(await firstValueFrom(send(a, 'run', 'relay', b.aid, 'run', 'add', 20, 22))).toBe(42);
    expect(await firstValueFrom(send(a, 'run', 'relay', 'relay-b', 'echo', 'by name'))).toBe('by name');
    const info = await firstValueFrom(send<ActorInfo>(a, 'run', 'relay', b.aid, 'info'));
    expect(info.pid).toBe(b.pid);
    // An actor spawns through the arbiter, which supervises the new one.
    const child = await firstValueFrom(send<{ aid: string; name: string }>(b, 'run', 'spawnChild', counter));
    expect(child.name).toBe('grandchild');
    expect(arbiter().find(child.aid)?.state).toBe('running');
    expect(await firstValueFrom(send(child.aid, 'increment', 2))).toBe(2);
    await Promise.all([a, b].map((r) => firstValueFrom(send(r, 'stop'))));
    expect(await firstValueFrom(send('arbiter', 'kill_actor', child.aid))).toBe(`stopped grandchild(${child.aid})`);
  });

  it('gets and sets settings at run time with the config command', async () => {
    const ref = await firstValueFrom(spawn({ concurrency: 'thread', name: 'configurable' }));
    expect(await firstValueFrom(send(ref, 'config', 'get', 'graceful_timeout'))).toBe(30);
    expect(await firstValueFrom(send(ref, 'config', 'set', 'graceful_timeout', '2'))).toBe(2);
    await expect(firstValueFrom(send(ref, 'config', 'set', 'workers', 0))).rejects.toMatchObject({ code: 'RXP_ERR_INVALID_SETTING' });
    await firstValueFrom(send(ref, 'stop'));
  });
});

describe('inline actors and streams', () => {
  it('streams values of an Observable command and spawns from a definition', async () => {
    const { interval, map: rxMap, take: rxTake } = await import('rxjs');
    const ref = await firstValueFrom(
      spawn({ concurrency: 'inline', name: 'ticker', definition: { commands: { ticks: (_ctx, n: number) => interval(1).pipe(rxTake(n), rxMap((i) => i * 10)) } } }),
    );
    expect(await lastValueFrom(send(ref, 'ticks', 4).pipe(toArray()))).toEqual([0, 10, 20, 30]);
    expect(await lastValueFrom(send(ref, 'ticks', 100).pipe(take(2), toArray()))).toEqual([0, 10]);
    await firstValueFrom(send(ref, 'stop'));
  });

  it('answers the built-in commands of the arbiter', async () => {
    expect(await firstValueFrom(send('arbiter', 'ping'))).toBe('pong');
    const info = await firstValueFrom(send<{ name: string; version: string }>('arbiter', 'info'));
    expect(info.name).toBe('arbiter');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

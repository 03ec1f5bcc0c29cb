import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, of, toArray, Observable } from 'rxjs';
import { isRxPulsarError } from 'rxpulsar';
import { Mailbox, type CommandHandler } from '../../../lib/actor/mailbox';
import type { WireMessage } from '../../../lib/actor/protocol';

/** Two mailboxes wired back to back, delivering asynchronously like a real channel. */
function pair(commands: Record<string, CommandHandler>) {
  const sent: WireMessage[] = [];
  let a!: Mailbox;
  let b!: Mailbox;
  const deliver = (m: WireMessage): void => {
    sent.push(m);
    queueMicrotask(() => (m.k === 'req' || m.k === 'cancel' ? b : a).receive(m));
  };
  a = new Mailbox('a', deliver, () => undefined);
  b = new Mailbox('b', deliver, (cmd) => commands[cmd]);
  return { a, b, sent };
}

describe('Mailbox', () => {
  it('sends on subscribe, emits the reply once and completes', async () => {
    const { a, sent } = pair({ add: (_ctx, x: number, y: number) => x + y });
    const reply$ = a.request('b', 'add', [2, 3]);
    expect(sent).toHaveLength(0); // cold
    expect(await firstValueFrom(reply$)).toBe(5);
    expect(sent.map((m) => m.k)).toEqual(['req', 'res']);
  });

  it('replies to Promise commands and streams Observable commands', async () => {
    const { a } = pair({ later: async () => 'done', many: () => of(1, 2, 3) });
    expect(await firstValueFrom(a.request('b', 'later', []))).toBe('done');
    expect(await lastValueFrom(a.request('b', 'many', []).pipe(toArray()))).toEqual([1, 2, 3]);
  });

  it('carries errors thrown or rejected by commands, and unknown commands', async () => {
    const { a } = pair({
      boom: () => {
        throw new TypeError('bad input');
      },
      reject: () => Promise.reject(new Error('no')),
    });
    await expect(firstValueFrom(a.request('b', 'boom', []))).rejects.toMatchObject({ name: 'TypeError', message: 'bad input' });
    await expect(firstValueFrom(a.request('b', 'reject', []))).rejects.toThrow('no');
    await expect(firstValueFrom(a.request('b', 'nope', []))).rejects.toMatchObject({ code: 'RXP_ERR_UNKNOWN_COMMAND' });
  });

  it('times out in virtual time with RXP_ERR_TIMEOUT and sends a cancel', () => {
    const scheduler = new VirtualTimeScheduler();
    const sent: WireMessage[] = [];
    const mailbox = new Mailbox('a', (m) => sent.push(m), () => undefined);
    let error: unknown;
    mailbox.request('b', 'slow', [], { timeout: 250, scheduler }).subscribe({ error: (e: unknown) => (error = e) });
    scheduler.maxFrames = 249;
    scheduler.flush();
    expect(error).toBeUndefined();
    scheduler.maxFrames = Infinity;
    scheduler.flush();
    expect(isRxPulsarError(error, 'RXP_ERR_TIMEOUT')).toBe(true);
    expect((error as Error).message).toBe('Command "slow" to b timed out after 250 ms');
    expect(sent.map((m) => m.k)).toEqual(['req', 'cancel']);
    // A late reply is ignored.
    mailbox.receive({ k: 'res', id: (sent[0] as { id: number }).id, to: 'a', v: 1 });
  });

  describe('real-time deadlines (one sweep timer per mailbox; Jest fake timers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('expires each request at its own deadline, a shorter one added later included, and not a settled one', () => {
      const sent: WireMessage[] = [];
      const mailbox = new Mailbox('a', (m) => sent.push(m), () => undefined);
      const outcome: Record<string, string> = {};
      const ask = (cmd: string, timeout: number): void => {
        mailbox.request('b', cmd, [], { timeout }).subscribe({
          next: (v) => (outcome[cmd] = `value ${String(v)}`),
          error: (e: unknown) => (outcome[cmd] = isRxPulsarError(e, 'RXP_ERR_TIMEOUT') ? `timeout at ${Date.now() - start}` : 'other'),
        });
      };
      const start = Date.now();
      ask('long', 1000);
      ask('answered', 100);
      ask('short', 200); // earlier than the armed sweep of 'long': re-armed
      const answered = sent.find((m) => m.k === 'req' && m.cmd === 'answered') as { id: number };
      mailbox.receive({ k: 'res', id: answered.id, to: 'a', v: 1 });
      jest.advanceTimersByTime(199);
      expect(outcome).toEqual({ answered: 'value 1' });
      jest.advanceTimersByTime(1);
      expect(outcome.short).toBe('timeout at 200');
      jest.advanceTimersByTime(799);
      expect(outcome.long).toBeUndefined();
      jest.advanceTimersByTime(1);
      expect(outcome.long).toBe('timeout at 1000');
      expect(sent.filter((m) => m.k === 'cancel')).toHaveLength(2);
      expect(jest.getTimerCount()).toBe(0); // nothing left armed once nothing is pending
    });

    it('stops the deadline at the first value of a stream, and disarms on close', () => {
      const sent: WireMessage[] = [];
      const mailbox = new Mailbox('a', (m) => sent.push(m), () => undefined);
      const values: unknown[] = [];
      let error: unknown;
      mailbox.request('b', 'stream', [], { timeout: 100 }).subscribe({ next: (v) => values.push(v), error: (e: unknown) => (error = e) });
      const id = (sent[0] as { id: number }).id;
      mailbox.receive({ k: 'next', id, to: 'a', v: 'first' });
      jest.advanceTimersByTime(500);
      expect({ values, error }).toEqual({ values: ['first'], error: undefined });
      mailbox.request('b', 'slow', [], { timeout: 100 }).subscribe({ error: () => undefined });
      mailbox.close('stopping');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it('tears the handler down on cancel, and aborts the signal of Promise handlers', async () => {
    let torn = 0;
    let aborted = false;
    const { a, b } = pair({
      forever: () => new Observable(() => () => torn++),
      wait: (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve('x');
          });
        }),
    });
    a.request('b', 'forever', []).subscribe().unsubscribe();
    const wait = a.request('b', 'wait', []).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.depth).toBe(1);
    wait.unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(torn).toBe(1);
    expect(aborted).toBe(true);
    expect(b.depth).toBe(0);
  });
});

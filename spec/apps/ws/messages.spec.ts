import { TestScheduler } from 'rxjs/testing';
import { closeWith, messages, textMessages, type WsIncoming } from 'rxpulsar/apps/ws';

const events: Record<string, WsIncoming> = {
  o: { type: 'open' },
  a: { type: 'message', data: 'a', binary: false },
  b: { type: 'message', data: Buffer.from('b'), binary: true },
  c: { type: 'close', code: 1000, reason: '' },
};

describe('messages', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should keep the data of data messages only', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('   o-a-b-c|', events);
      const subs = '         ^------!';
      const expected = '     --a-b--|';
      expectObservable(source.pipe(messages())).toBe(expected, { a: 'a', b: Buffer.from('b') });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should pass errors (protocol failures) through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('o-a-#', events).pipe(messages())).toBe('--a-#', { a: 'a' });
    });
  });

  it('should stay silent on never and empty', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-', events).pipe(messages())).toBe('-');
      expectObservable(cold('|', events).pipe(messages())).toBe('|');
    });
  });

  it('should unsubscribe the source on early disposal', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('o-a-a-a-a-', events);
      expectObservable(source.pipe(messages()), '^--!').toBe('--a-', { a: 'a' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});

describe('textMessages', () => {
  it('should keep text messages only', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
      expectObservable(cold('o-a-b-c|', events).pipe(textMessages())).toBe('--a----|', { a: 'a' });
    });
  });
});

describe('closeWith', () => {
  it('should build a close command (1000 by default)', () => {
    expect(closeWith()).toEqual({ type: 'close', code: 1000, reason: '' });
    expect(closeWith(4000, 'bye')).toEqual({ type: 'close', code: 4000, reason: 'bye' });
  });
});

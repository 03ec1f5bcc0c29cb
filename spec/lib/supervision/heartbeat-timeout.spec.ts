import { heartbeatTimeout } from 'rxpulsar';
import { testScheduler } from '../../helpers/marbles';

describe('heartbeatTimeout', () => {
  it('emits the allowed silence when no beat comes in time after the last one', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const beat$ = cold('  -b-b--------------');
      const subs = '       ^-------!';
      const expected = '   --------(x|)';
      expectObservable(beat$.pipe(heartbeatTimeout(5))).toBe(expected, { x: 5 });
      expectSubscriptions(beat$.subscriptions).toBe(subs);
    });
  });

  it('never fires while beats keep coming', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const beat$ = cold('  -b--b--b--b--b--b-');
      expectObservable(beat$.pipe(heartbeatTimeout(5)), '^------------------!').toBe('-');
    });
  });

  it('fires after the timeout for a source that never beats', () => {
    testScheduler().run(({ expectObservable }) => {
      const { NEVER } = jest.requireActual<typeof import('rxjs')>('rxjs');
      expectObservable(NEVER.pipe(heartbeatTimeout(3))).toBe('---(x|)', { x: 3 });
    });
  });

  it('completes silently when the source completes (the actor is gone)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-b-|').pipe(heartbeatTimeout(5))).toBe('---|');
    });
  });

  it('forwards errors', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-b-#', undefined, new Error('boom')).pipe(heartbeatTimeout(5))).toBe('---#', undefined, new Error('boom'));
    });
  });

  it('stops its timer on early unsubscription', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const beat$ = cold('-b-b-b-b-b');
      expectObservable(beat$.pipe(heartbeatTimeout(2)), '^--!').toBe('-');
      expectSubscriptions(beat$.subscriptions).toBe('^--!');
    });
  });
});

import { restartPolicy } from 'rxpulsar';
import { testScheduler } from '../../helpers/marbles';

describe('restartPolicy', () => {
  it('restarts after an exponential backoff', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const crash$ = hot('  c------c------c');
      const expected = '    -a 7ms b 8ms c';
      const result$ = crash$.pipe(restartPolicy({ initialDelay: 1, factor: 2, intensity: 5, period: 100 }));
      expectObservable(result$).toBe(expected, {
        a: { action: 'restart', attempt: 1, delay: 1 },
        b: { action: 'restart', attempt: 2, delay: 2 },
        c: { action: 'restart', attempt: 3, delay: 4 },
      });
    });
  });

  it('caps the delay at maxDelay', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const crash$ = hot('c-c-c-c');
      expectObservable(crash$.pipe(restartPolicy({ initialDelay: 1, factor: 10, maxDelay: 3, intensity: 9, period: 100 }))).toBe('-a---b-c-d', {
        a: { action: 'restart', attempt: 1, delay: 1 },
        b: { action: 'restart', attempt: 2, delay: 3 },
        c: { action: 'restart', attempt: 3, delay: 3 },
        d: { action: 'restart', attempt: 4, delay: 3 },
      });
    });
  });

  it('escalates at once when crashes within the period exceed the intensity, then completes', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const crash$ = hot('  c--c--c--c--c');
      const expected = '    -a--b-(e|)';
      expectObservable(crash$.pipe(restartPolicy({ initialDelay: 1, factor: 1, intensity: 2, period: 100 }))).toBe(expected, {
        a: { action: 'restart', attempt: 1, delay: 1 },
        b: { action: 'restart', attempt: 2, delay: 1 },
        e: { action: 'escalate', crashes: 3 },
      });
    });
  });

  it('forgets crashes older than the period (backoff and intensity start over)', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const crash$ = hot('  c 20ms c 20ms c');
      const expected = '    -a 20ms b 20ms c';
      expectObservable(crash$.pipe(restartPolicy({ initialDelay: 1, factor: 2, intensity: 1, period: 10 }))).toBe(expected, {
        a: { action: 'restart', attempt: 1, delay: 1 },
        b: { action: 'restart', attempt: 1, delay: 1 },
        c: { action: 'restart', attempt: 1, delay: 1 },
      });
    });
  });

  it('emits nothing for no crash', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-----|').pipe(restartPolicy())).toBe('-----|');
    });
  });
});

import { Config } from '../../../lib/config/config';
import { drainBudget, stopHookBudget } from '../../../lib/actor/stop-budget';

describe('stop budgets', () => {
  it.each([
    [30, 27_000, 26_000],
    [1, 900, 810],
    [0, 0, 0],
  ])('graceful_timeout %s s: stop hooks %s ms, draining %s ms — each before the next deadline', (seconds, hooks, drain) => {
    const config = Config.load({ argv: ['--graceful-timeout', String(seconds)] });
    expect(stopHookBudget(config)).toBe(hooks);
    expect(drainBudget(config)).toBe(drain);
    expect(drainBudget(config)).toBeLessThanOrEqual(stopHookBudget(config));
    expect(stopHookBudget(config)).toBeLessThanOrEqual(seconds * 1000);
  });
});

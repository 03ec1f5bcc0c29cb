/**
 * A thread actor serving HTTP can be killed (`worker.terminate()`) under load without taking
 * the arbiter's process down. Run in a child process: the failure this guards against is a
 * native abort of the whole process, which would otherwise end the test runner itself.
 */
import { ChildScript } from '../../helpers/child';

describe('HTTP server in a terminated worker thread', () => {
  let child: ChildScript | undefined;

  afterAll(() => child?.kill());

  it('should end only the worker, cycle after cycle, while clients pipeline requests', async () => {
    child = new ChildScript('spec/fixtures/http/terminate-under-load.ts', ['20']);
    const { code, signal } = await child.exited;
    expect({ code, signal, stderr: child.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(child.lines).toContain('survived 20');
  }, 60_000);
});

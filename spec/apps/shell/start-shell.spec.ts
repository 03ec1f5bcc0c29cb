import { PassThrough } from 'node:stream';
import { Observable, Subject, firstValueFrom, type Subscriber } from 'rxjs';
import { startShell, type Shell, type ShellOptions } from '../../../apps/shell/start-shell';

/** A shell on in-memory streams, plus a controllable Observable `source$` in its scope. */
function harness(options: Partial<ShellOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  const changed = new Subject<void>();
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    changed.next();
  });
  const subscribed = new Subject<Subscriber<unknown>>();
  let teardowns = 0;
  const source$ = new Observable<unknown>((subscriber) => {
    subscribed.next(subscriber);
    return () => {
      teardowns++;
    };
  });
  const shell: Shell = startShell({ input, output, terminal: false, runtime: false, ...options, context: { source$, ...options.context } });
  // Strips terminal escapes so assertions read like what a user sees.
  const plain = (): string => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const waitFor = (pattern: RegExp): Promise<void> =>
    new Promise((resolve) => {
      if (pattern.test(plain())) return resolve();
      const sub = changed.subscribe(() => {
        if (pattern.test(plain())) {
          sub.unsubscribe();
          resolve();
        }
      });
    });
  return { input, shell, plain, waitFor, nextSubscriber: () => firstValueFrom(subscribed), teardowns: () => teardowns };
}

describe('startShell', () => {
  let open: Shell[] = [];
  afterEach(() => {
    for (const shell of open) shell.close();
    open = [];
  });
  const track = <T extends { shell: Shell }>(h: T): T => {
    open.push(h.shell);
    return h;
  };

  it('should print the values of an Observable as they arrive and run the next line only after it completed', async () => {
    const h = track(harness());
    const subscriber = h.nextSubscriber();
    h.input.write('source$\n1 + 1\n');
    const s = await subscriber;
    s.next('first');
    await h.waitFor(/'first'\n/);
    expect(h.plain()).not.toMatch(/^2$/m); // the next line waits for the Observable
    expect(h.shell.busy).toBe(true);
    s.next({ n: 2 });
    s.complete();
    await h.waitFor(/^2$/m);
    expect(h.plain()).toBe("'first'\n{ n: 2 }\n2\n");
    h.input.end();
    await expect(h.shell.closed).resolves.toEqual({ errors: 0 });
  });

  it('should support top-level await and statements over several lines, in order', async () => {
    const h = track(harness({ runtime: true }));
    h.input.end('const base = await Promise.resolve(40)\nfunction add(a) {\n  return base + a\n}\nadd(2)\nof(1, 2).pipe(map((x) => x * 10))\n');
    await expect(h.shell.closed).resolves.toEqual({ errors: 0 });
    expect(h.plain()).toBe('42\n10\n20\n');
  });

  it('should count failed evaluations: thrown errors and Observables that error', async () => {
    const h = track(harness({ context: { fail$: new Observable((s) => s.error(new Error('boom'))) } }));
    h.input.end('missingName\nfail$\n"after"\n');
    const exit = await h.shell.closed;
    expect(exit.errors).toBe(2);
    expect(h.plain()).toMatch(/ReferenceError: missingName is not defined/);
    expect(h.plain()).toMatch(/Error: boom/);
    expect(h.plain()).toMatch(/'after'\n$/);
  });

  it('should end the session at .exit and ignore the lines after it', async () => {
    const h = track(harness());
    h.input.write('"before"\n.exit\n"after"\n');
    await expect(h.shell.closed).resolves.toEqual({ errors: 0 });
    expect(h.plain()).toBe("'before'\n");
  });

  it('should unsubscribe on close() and resolve closed', async () => {
    const h = track(harness());
    const subscriber = h.nextSubscriber();
    h.input.write('source$\n');
    await subscriber;
    h.shell.close();
    await expect(h.shell.closed).resolves.toEqual({ errors: 0 });
    expect(h.teardowns()).toBe(1);
  });

  describe('on a terminal', () => {
    it('should unsubscribe the running Observable on Ctrl-C and give the prompt back, not exit', async () => {
      const h = track(harness({ terminal: true, banner: 'BANNER\n', prompt: '> ' }));
      await h.waitFor(/BANNER\n> /);
      const subscriber = h.nextSubscriber();
      h.input.write('source$\n');
      const s = await subscriber;
      s.next(7);
      await h.waitFor(/^7$/m);
      h.input.write('\x03'); // Ctrl-C
      await h.waitFor(/\(unsubscribed\)\n> /);
      expect(h.teardowns()).toBe(1);
      expect(h.shell.busy).toBe(false);
      h.input.write('6 * 7\n');
      await h.waitFor(/^42$/m);
      // With nothing running, Ctrl-C is node's: a hint first, not an exit.
      h.input.write('\x03');
      await h.waitFor(/To exit, press Ctrl\+C again/);
      h.input.write('\x04'); // Ctrl-D
      await expect(h.shell.closed).resolves.toEqual({ errors: 0 });
    });

    it('should hold a line typed while an Observable runs until it completes', async () => {
      const h = track(harness({ terminal: true, banner: false, prompt: '> ' }));
      const subscriber = h.nextSubscriber();
      h.input.write('source$\n');
      const s = await subscriber;
      h.input.write('"typed ahead"\n');
      s.next('value');
      await h.waitFor(/'value'\n/);
      expect(h.plain()).not.toContain("'typed ahead'");
      s.complete();
      await h.waitFor(/'typed ahead'\n> $/);
      expect(h.plain().indexOf("'value'")).toBeLessThan(h.plain().indexOf("'typed ahead'"));
    });
  });

  describe('with the runtime in scope', () => {
    it('should reach the arbiter with send() and list actors()', async () => {
      const h = track(harness({ runtime: true }));
      h.input.end('await firstValueFrom(send("arbiter", "ping"))\nactors()\ntypeof arbiter.spawn\n');
      await expect(h.shell.closed).resolves.toEqual({ errors: 0 });
      expect(h.plain()).toBe("'pong'\n[]\n'function'\n");
    });
  });
});

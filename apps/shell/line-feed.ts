/**
 * Feeds piped input to the REPL one line at a time, each only once the REPL asked for the next
 * line.
 *
 * Why: node's REPL evaluates every line as soon as readline splits it, without waiting for the
 * previous evaluation (a top-level `await`, an Observable still emitting). Piped scripts would then
 * run out of order — and a continued statement (`function f() {` ...) would be split apart if a
 * line were queued behind a pending one. Handing it lines only when it displays its prompt keeps
 * a script's order and multi-line statements intact. On a terminal the user is the gate.
 */
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';

export interface LineFeed {
  /** What the REPL reads. */
  readonly stream: PassThrough;
  /** The REPL is ready for one more line. */
  ready(): void;
  /** Stop reading the source (the REPL closed). */
  stop(): void;
}

export function lineFeed(source: NodeJS.ReadableStream): LineFeed {
  const stream = new PassThrough();
  const lines = createInterface({ input: source, crlfDelay: Infinity, terminal: false });
  let ready = true; // the REPL shows its first prompt before we can watch for it
  let wake: (() => void) | undefined;
  let stopped = false;
  const whenReady = (): Promise<void> => (ready || stopped ? Promise.resolve() : new Promise((resolve) => (wake = resolve)));

  void (async () => {
    for await (const line of lines) {
      await whenReady();
      if (stopped) break;
      ready = false;
      stream.write(`${line}\n`);
    }
    // End of input: let the last line finish first, so its output precedes the REPL's exit.
    await whenReady();
    stream.end();
  })().catch((error: unknown) => stream.destroy(error as Error));

  return {
    stream,
    ready: () => {
      ready = true;
      const w = wake;
      wake = undefined;
      w?.();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      lines.close();
      const w = wake;
      wake = undefined;
      w?.();
    },
  };
}

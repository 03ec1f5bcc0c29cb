/**
 * The shell: node's REPL, made for asynchronous scripting against a running arbiter.
 *
 * - top-level `await` (node's REPL does it);
 * - an expression that evaluates to an Observable is subscribed in the foreground: each value is
 *   printed as it arrives and the next prompt comes when it completes or errors. Ctrl-C
 *   unsubscribes it and gives the prompt back (it does not exit);
 * - piped input (no TTY) runs as a script: one line after the other, results only (no prompts,
 *   no banner), and `closed` resolves when the input is over and the last line has finished.
 *
 * ```
 * rxpulsar> interval(100).pipe(take(3))
 * 0          (at 100 ms)
 * 1          (at 200 ms)
 * 2          (at 300 ms)
 * rxpulsar>
 * ```
 */
import { Recoverable, start as startRepl, type REPLEval, type REPLServer } from 'node:repl';
import { inspect } from 'node:util';
import { isObservable, type Observable, type Subscription } from 'rxjs';
import { version } from '../../lib/version';
import { listActors, runtimeContext } from './context';
import { lineFeed, type LineFeed } from './line-feed';

export interface ShellOptions {
  /** Print this on a terminal before the first prompt (false: nothing). @default a short help */
  readonly banner?: string | false;
  /** Extra names in scope (they win over the runtime's). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Keep the terminal input history in this file. */
  readonly history?: string;
  /** @default process.stdin */
  readonly input?: NodeJS.ReadableStream;
  /** @default process.stdout */
  readonly output?: NodeJS.WritableStream;
  /** Prompt on a terminal (piped input shows none). @default 'rxpulsar> ' */
  readonly prompt?: string;
  /** Put the runtime (`arbiter`, `spawn`, `send`, `actors()`, rxjs) in scope. Arbiter only. @default true */
  readonly runtime?: boolean;
  /** Interactive terminal (keys, prompts, history) or a script. @default input and output are TTYs */
  readonly terminal?: boolean;
  /** Evaluate in the process's global scope instead of a context of its own. @default false */
  readonly useGlobal?: boolean;
}

/** How a shell session ended. */
export interface ShellExit {
  /** Evaluations that failed: uncaught errors, rejected awaits, Observables that errored. */
  readonly errors: number;
}

export interface Shell {
  readonly server: REPLServer;
  /** True for an interactive terminal session, false for a script (piped input). */
  readonly terminal: boolean;
  /** Resolves once the input is over (end of input, `.exit`, Ctrl-D, `close()`). */
  readonly closed: Promise<ShellExit>;
  /** Failed evaluations so far. */
  readonly errors: number;
  /** True while an Observable typed at the prompt is subscribed. */
  readonly busy: boolean;
  /** What Ctrl-C does to a running Observable: unsubscribe it, back to the prompt. False if none ran. */
  interrupt(): boolean;
  /** Ends the session (unsubscribes what runs). Idempotent. */
  close(): void;
}

type EvalCallback = Parameters<REPLEval>[3];

/** Starts a shell on `input`/`output` (stdin/stdout by default). */
export function startShell(options: ShellOptions = {}): Shell {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = options.terminal ?? Boolean((input as { isTTY?: boolean }).isTTY && (output as { isTTY?: boolean }).isTTY);
  const feed: LineFeed | undefined = terminal ? undefined : lineFeed(input);
  // The banner goes first: the REPL shows its first prompt as soon as it is created.
  if (terminal && options.banner !== false) output.write(options.banner ?? defaultBanner());
  const server = startRepl({
    prompt: terminal ? (options.prompt ?? 'rxpulsar> ') : '',
    input: feed ? feed.stream : input,
    output,
    terminal,
    useGlobal: options.useGlobal ?? false,
    ignoreUndefined: true,
  });
  Object.assign(server.context, options.runtime === false ? {} : runtimeContext(), options.context ?? {});

  let errors = 0;
  let closed = false;
  let foreground: { subscription: Subscription; finish: () => void } | undefined;
  // A synchronous throw never reaches the eval callback: node's REPL hands it to its domain,
  // prints it and shows the prompt. `evaluating` still set at the next prompt is how we count it.
  let evaluating = false;
  // Lines typed on a terminal while an Observable runs wait for it (piped lines are already held
  // back by the line feed); Ctrl-C drops them with the running one.
  const typedAhead: Array<() => void> = [];
  let resolveClosed!: (exit: ShellExit) => void;
  const closedPromise = new Promise<ShellExit>((resolve) => (resolveClosed = resolve));
  const write = (text: string): void => {
    if (!closed) output.write(text);
  };

  const subscribeForeground = (value$: Observable<unknown>, done: EvalCallback): void => {
    let finished = false;
    const finish = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      foreground = undefined;
      done(error === undefined ? null : (error as Error), undefined);
      if (!closed) typedAhead.shift()?.();
    };
    const subscription = value$.subscribe({
      next: (value) => write(`${server.writer(value)}\n`),
      error: (error: unknown) => {
        errors++;
        finish(error ?? new Error('Observable errored'));
      },
      complete: () => finish(),
    });
    if (!finished) foreground = { subscription, finish: () => finish() };
  };

  // Wrap the default evaluator (the one that does top-level await): replacing it keeps node's
  // parsing, multi-line recovery and error display, and lets Observable results stay subscribed.
  const evaluate = server.eval;
  const wrapped: REPLEval = function (this: REPLServer, code, context, file, done) {
    const run = (): void => {
      evaluating = true;
      evaluate.call(server, code, context, file, (error: Error | null, result: unknown) => {
        evaluating = false;
        if (error) {
          if (!(error instanceof Recoverable)) errors++;
          done(error, result);
        } else if (isObservable(result)) {
          subscribeForeground(result, done);
        } else {
          done(null, result);
        }
      });
    };
    if (foreground) typedAhead.push(run);
    else run();
  };
  (server as { eval: REPLEval }).eval = wrapped;

  // The REPL shows a prompt exactly when it is ready for the next line: the line feed's cue.
  const displayPrompt = server.displayPrompt.bind(server);
  server.displayPrompt = (preserveCursor?: boolean): void => {
    if (closed) return;
    if (evaluating) {
      evaluating = false;
      errors++;
    }
    if (terminal) displayPrompt(preserveCursor);
    feed?.ready();
  };

  const interrupt = (): boolean => {
    const job = foreground;
    if (!job) return false;
    typedAhead.length = 0;
    job.subscription.unsubscribe();
    write('(unsubscribed)\n');
    job.finish();
    return true;
  };
  const nodeSigint = server.listeners('SIGINT') as Array<() => void>;
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', function onSigint() {
    if (!interrupt()) for (const listener of nodeSigint) listener.call(server);
  });

  if (options.runtime !== false) {
    server.defineCommand('actors', {
      help: 'List the actors of this arbiter',
      action() {
        write(`${inspect(listActors(), { depth: 3, colors: terminal && Boolean((output as { isTTY?: boolean }).isTTY) })}\n`);
        this.displayPrompt();
      },
    });
  }

  server.on('exit', () => {
    if (closed) return;
    // Ctrl-D or .exit while an Observable runs: it is unsubscribed, the session is over.
    foreground?.subscription.unsubscribe();
    foreground = undefined;
    typedAhead.length = 0;
    closed = true;
    feed?.stop();
    resolveClosed({ errors });
  });

  if (terminal && options.history) {
    server.setupHistory(options.history, (error) => {
      if (error) write(`(history disabled: ${error.message})\n`);
    });
  }

  return {
    server,
    terminal,
    closed: closedPromise,
    get errors() {
      return errors;
    },
    get busy() {
      return foreground !== undefined;
    },
    interrupt,
    close: () => {
      if (closed) return;
      foreground?.subscription.unsubscribe();
      foreground = undefined;
      server.close();
    },
  };
}

function defaultBanner(): string {
  return [
    `rxpulsar ${version()} shell, node ${process.version}`,
    'In scope: arbiter, spawn, send, request, actors(), rx and every rxjs function. Top-level await works.',
    'An Observable is subscribed and its values printed; Ctrl-C unsubscribes it. .actors lists actors; Ctrl-D exits.',
    '',
  ].join('\n');
}

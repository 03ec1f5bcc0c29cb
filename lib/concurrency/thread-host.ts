import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Observable, ReplaySubject } from 'rxjs';
import { portChannel, type PortLike } from '../actor/channel';
import type { ActorHost, HostExit, HostSpec } from './host';
import { childExecArgv } from './loader';

/** Runs an actor in a `worker_threads` Worker of this process. */
export function startThreadHost(spec: HostSpec): ActorHost {
  // The entry is loaded as the thread's main module by the CommonJS loader, so a preloaded
  // TypeScript hook applies to `.ts` entries (Worker's own loader, and Module.runMain with
  // syntax detection, would take a `.ts` file with imports for ESM) and
  // `require.main === module` holds in the user's script, as it does in a process worker.
  const bootstrap = [
    `const Module = require('node:module'), path = require('node:path'), file = ${JSON.stringify(spec.entry)};`,
    'const main = new Module(file, null);',
    'main.filename = file; main.paths = Module._nodeModulePaths(path.dirname(file)); main.id = ".";',
    'process.argv[1] = file; process.mainModule = main; Module._cache[file] = main;',
    'main.load(file);',
  ].join('\n');
  // The mailbox channel is a MessagePort of its own rather than the Worker's message events:
  // Worker.postMessage is a wrapper (rest arguments + Reflect.apply) around its port that showed
  // in the round-trip profile. The worker finds its end in workerData.
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { rxpulsar: spec.boot, rxpulsarPort: port2 },
    transferList: [port2],
    execArgv: childExecArgv(),
    argv: [...(spec.argv ?? [])],
  });
  const exit = new ReplaySubject<HostExit>(1);
  let lastError: Error | undefined;
  // An uncaught exception ends the thread with code 1; keep the error for the crash report.
  worker.on('error', (error) => {
    lastError = error;
    process.stderr.write(`rxpulsar: thread actor ${spec.boot.name}(${spec.boot.aid}) failed: ${error.stack ?? error}\n`);
  });
  worker.on('exit', (code) => {
    exit.next({ code: lastError && code === 0 ? 1 : code, signal: null });
    exit.complete();
  });
  return {
    pid: process.pid,
    threadId: worker.threadId,
    channel: portChannel(arbiterEnd(port1, worker), 'exit'),
    exit$: exit.asObservable() as Observable<HostExit>,
    kill: () => void worker.terminate(),
  };
}

/** The arbiter's end: messages from the port, the end when the thread exits. */
function arbiterEnd(port: MessagePort, worker: Worker): PortLike {
  return {
    on: (event, listener) => (event === 'message' ? port.on('message', listener) : worker.on('exit', listener)),
    off: (event, listener) => (event === 'message' ? port.off('message', listener) : worker.off('exit', listener)),
    postMessage: (data) => port.postMessage(data),
  };
}

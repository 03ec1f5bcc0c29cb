import { fork } from 'node:child_process';
import { Observable, ReplaySubject } from 'rxjs';
import { BOOT_ENV } from '../actor/boot';
import { ipcChannel } from '../actor/channel';
import type { ActorHost, HostExit, HostSpec } from './host';
import { childExecArgv } from './loader';

/** Message that carries the listening socket to a process worker (outside the mailbox protocol). */
export const LISTEN_MESSAGE = 'rxpulsar:listen';

/**
 * Runs an actor in a child process (`child_process.fork`). IPC in Node's `json` serialization:
 * the channel sends plain data as JSON and clones the rest itself (`actor/wire-ipc.ts`).
 */
export function startProcessHost(spec: HostSpec): ActorHost {
  const child = fork(spec.entry, [...(spec.argv ?? [])], {
    execArgv: childExecArgv(),
    env: { ...process.env, [BOOT_ENV]: JSON.stringify(spec.boot) },
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exit = new ReplaySubject<HostExit>(1);
  child.on('exit', (code, signal) => {
    exit.next({ code, signal });
    exit.complete();
  });
  child.on('error', () => {
    // 'exit' follows (or the fork failed and exit reports it); nothing else to do.
  });
  if (spec.listenHandle) child.send(LISTEN_MESSAGE, spec.listenHandle as Parameters<typeof child.send>[1]);
  return {
    pid: child.pid ?? -1,
    threadId: 0,
    channel: ipcChannel(child),
    exit$: exit.asObservable() as Observable<HostExit>,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

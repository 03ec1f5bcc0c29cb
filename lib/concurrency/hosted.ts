/**
 * Starts the actor of this thread or process from its boot data: the channel to the arbiter is
 * the MessagePort the thread host passed in `workerData` (else `parentPort`) in a thread, and the
 * IPC channel in a process.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ActorRuntime } from '../actor/actor';
import type { BootData } from '../actor/boot';
import { ipcChannel, portChannel, type Channel } from '../actor/channel';
import { setCurrentActor } from '../actor/current';
import type { ActorDefinition } from '../actor/definition';
import { configureLogging } from '../log';
import type { LogLevel } from '../config/settings';

export function hostedChannel(): Channel {
  if (!isMainThread) {
    const port = (workerData as { rxpulsarPort?: MessagePort } | null)?.rxpulsarPort ?? parentPort;
    if (port) return portChannel(port);
  }
  return ipcChannel(process);
}

function exitHost(code: number): void {
  if (isMainThread) {
    // Let the last messages (the final heartbeat, replies) leave before the channel closes.
    process.exitCode = code;
    setImmediate(() => process.exit(code));
  } else {
    // In a worker thread, process.exit() ends this thread only.
    process.exit(code);
  }
}

/** Process title as pulsar sets it: `<name>-<app or actor>-worker(<aid>)`. */
function setTitle(boot: BootData): void {
  if (!isMainThread) return;
  const base = (boot.config.name as string | undefined) || 'rxpulsar';
  try {
    process.title = `${base}-${boot.app ?? boot.name}-worker(${boot.aid})`;
  } catch {
    // Titles are cosmetic; some platforms refuse them.
  }
}

export function createHostedActor(boot: BootData, module: Record<string, unknown> = {}, definition?: ActorDefinition): ActorRuntime {
  configureLogging((boot.config.log_level as LogLevel | undefined) ?? 'info');
  setTitle(boot);
  const actor = new ActorRuntime({
    boot,
    channel: hostedChannel(),
    exit: exitHost,
    module: definition ? { ...module, default: definition } : module,
  });
  setCurrentActor(actor);
  return actor;
}

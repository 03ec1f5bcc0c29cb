/** `rxpulsar/apps/shell`: an interactive shell for asynchronous scripting in the arbiter. */
export { PulsarShell } from './pulsar-shell';
export type { PulsarShellOptions } from './pulsar-shell';
export { startShell } from './start-shell';
export type { Shell, ShellExit, ShellOptions } from './start-shell';
export { listActors, runtimeContext } from './context';
export type { ActorListing } from './context';
export { shellHistory, shellPrompt } from './settings';

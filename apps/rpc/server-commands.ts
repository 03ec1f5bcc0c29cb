/**
 * pulsar's `PulsarServerCommands` mixin: `ping`, `echo`, `server_info`, `functions_list`.
 */
import { rpcMethod } from './signature';
import type { RpcCallContext, RpcParam } from './types';

export interface ServerCommandsOptions {
  /**
   * The answer of `server_info` (the arbiter's `info`, say). Default: this process's name,
   * versions, pid, uptime and memory.
   */
  readonly serverInfo?: () => unknown;
}

/** One entry of `functions_list`: `[name, { doc, section, params }]`, as pulsar listed them. */
export type FunctionsListEntry = [string, { doc: string; section: string; params: string[] | null }];

/**
 * The server commands every pulsar RPC server had, as a handler object to merge into a tree.
 *
 * ## Example
 * ```ts
 * import { RpcDispatcher, serverCommands } from 'rxpulsar/apps/rpc';
 * const rpc = new RpcDispatcher([new Calculator(), serverCommands({ serverInfo: () => arbiterInfo() })]);
 * ```
 */
export function serverCommands(options: ServerCommandsOptions = {}): Record<string, (...args: never[]) => unknown> {
  const section = 'server';
  return {
    ping: rpcMethod({ params: [], doc: 'Replies "pong".', section }, () => 'pong'),
    echo: rpcMethod({ params: ['message?'], doc: 'Replies with its message ("" by default).', section }, (message: unknown = '') => message),
    server_info: rpcMethod({ params: [], doc: 'Information about the server.', section }, () =>
      options.serverInfo ? options.serverInfo() : processInfo(),
    ),
    functions_list: rpcMethod(
      { params: [], context: true, doc: 'The exposed methods: [name, {doc, section, params}].', section },
      (context: RpcCallContext): FunctionsListEntry[] =>
        [...context.methods.values()].map((m) => [m.name, { doc: m.doc, section: m.section, params: m.params ? m.params.map(formatParam) : null }]),
    ),
  };
}

function formatParam(param: RpcParam): string {
  const type = param.types.length > 0 ? `: ${param.types.join('|')}` : '';
  return `${param.rest ? '...' : ''}${param.name}${param.optional ? '?' : ''}${type}`;
}

function processInfo(): Record<string, unknown> {
  const memory = process.memoryUsage();
  return {
    pid: process.pid,
    node: process.version,
    platform: process.platform,
    uptime: process.uptime(),
    memory: { rss: memory.rss, heapUsed: memory.heapUsed },
  };
}

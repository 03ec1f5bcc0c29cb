/**
 * `rxpulsar/apps/rpc`: JSON-RPC 2.0 over HTTP POST and WebSocket, on json-rpc-2.0's wire types.
 */

/* Core */
export { RpcDispatcher } from './dispatcher';
export { namespace, rpcMethod } from './signature';
export { serverCommands, type FunctionsListEntry, type ServerCommandsOptions } from './server-commands';

/* Transports */
export { rpcHttpHandler, type RpcHeaderValue, type RpcHttpOptions, type RpcHttpRequest, type RpcHttpResponse } from './http-handler';
export { rpcWebSocket, type RpcWebSocketOptions } from './ws-handler';

/* Errors a method may throw to choose its JSON-RPC error (re-exported from json-rpc-2.0) */
export { JSONRPCErrorCode, JSONRPCErrorException } from 'json-rpc-2.0';

/* Types */
export type {
  RpcCallContext,
  RpcDispatcherOptions,
  RpcId,
  RpcMethodInfo,
  RpcMethodSpec,
  RpcParam,
  RpcParamType,
  RpcTransport,
} from './types';

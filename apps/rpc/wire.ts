/**
 * JSON-RPC 2.0 on the wire: request validation and response texts, following the specification
 * where json-rpc-2.0's own server does not (https://www.jsonrpc.org/specification):
 * a `method` that is not a string, `params` that are not an array or object and an `id` that is
 * not a string, number or null are −32600 (§4, §4.2); thrown errors are −32603 without their
 * message unless `debug` (§5.1); results JSON cannot encode are −32603 for that call only.
 *
 * @internal
 */
import { JSONRPCErrorException, type JSONRPCError } from 'json-rpc-2.0';
import { createError, isRxPulsarError, type RxPulsarError } from '../../lib/errors';
import type { RpcId } from './types';

export interface ValidRequest {
  /** Undefined for a notification. */
  readonly id: RpcId | undefined;
  readonly method: string;
  readonly params: unknown;
}

export interface InvalidRequest {
  readonly error: RxPulsarError;
  /** The request's id when it could be read, else null (§5). */
  readonly id: RpcId;
}

export function isValidId(id: unknown): id is RpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** Checks one request object (§4); an invalid one is answered even without an id (§5, §7). */
export function validateRequest(value: unknown): ValidRequest | InvalidRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: createError('RXP_ERR_RPC_INVALID_REQUEST', 'not an object'), id: null };
  }
  const request = value as { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
  const hasId = 'id' in request;
  if (hasId && !isValidId(request.id)) {
    return { error: createError('RXP_ERR_RPC_INVALID_REQUEST', 'id must be a string, a number or null'), id: null };
  }
  const id = hasId ? (request.id as RpcId) : null;
  if (request.jsonrpc !== '2.0') return { error: createError('RXP_ERR_RPC_INVALID_REQUEST', 'jsonrpc must be "2.0"'), id };
  if (typeof request.method !== 'string') return { error: createError('RXP_ERR_RPC_INVALID_REQUEST', 'method must be a string'), id };
  const params = request.params;
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return { error: createError('RXP_ERR_RPC_INVALID_REQUEST', 'params must be an array or an object'), id };
  }
  return { id: hasId ? (request.id as RpcId) : undefined, method: request.method, params };
}

/** The error object (§5.1) for anything a method threw. */
export function errorObject(thrown: unknown, debug: boolean): JSONRPCError {
  if (isRxPulsarError(thrown) && thrown.rpcCode !== undefined) {
    // The pre-defined codes keep the specification's message (§5.1); the detail goes in `data`.
    const standard = STANDARD_MESSAGES[thrown.rpcCode];
    if (standard === undefined) return withData({ code: thrown.rpcCode, message: thrown.message }, thrown.data);
    return withData({ code: thrown.rpcCode, message: standard }, thrown.data ?? (thrown.message === standard ? undefined : thrown.message));
  }
  if (thrown instanceof JSONRPCErrorException) {
    // json-rpc-2.0's way for a method to choose its error: taken as the method meant it.
    return withData({ code: thrown.code, message: thrown.message }, thrown.data);
  }
  if (!debug) return { code: -32603, message: 'Internal error' };
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  return { code: -32603, message: 'Internal error', data: { name: error.name, message: error.message, stack: error.stack } };
}

const STANDARD_MESSAGES: Record<number, string> = {
  [-32700]: 'Parse error',
  [-32600]: 'Invalid Request',
  [-32601]: 'Method not found',
  [-32602]: 'Invalid params',
  [-32603]: 'Internal error',
};

function withData(error: JSONRPCError, data: unknown): JSONRPCError {
  return data === undefined ? error : { ...error, data };
}

export function errorText(id: RpcId, error: JSONRPCError): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(error);
  } catch {
    text = undefined;
  }
  // `data` chosen by a method may itself be unencodable: drop it rather than fail the reply.
  if (text === undefined) text = JSON.stringify({ code: error.code, message: error.message });
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${text}}`;
}

/** The success response, or a −32603 error response when `result` cannot be encoded. */
export function resultText(id: RpcId, method: string, result: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch {
    text = undefined;
  }
  if (text === undefined) return errorText(id, errorObject(createError('RXP_ERR_RPC_UNSERIALIZABLE', method), false));
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${text}}`;
}

/** A notification (server → client), e.g. `rpc.next` for streamed values. */
export function notificationText(method: string, params: unknown): string | undefined {
  try {
    return JSON.stringify({ jsonrpc: '2.0', method, params });
  } catch {
    return undefined;
  }
}

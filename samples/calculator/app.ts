/**
 * The JSON-RPC calculator (pulsar's examples/calculator) as a web sample:
 *
 * ```
 * POST <base>     JSON-RPC 2.0 (single or batch): calc.add, calc.subtract, calc.multiply,
 *                 calc.divide, calc.randompaths, ping, echo, server_info, functions_list
 * GET  <base>     a page with a form calling them over HTTP or the WebSocket
 * WS   <base>ws   the same methods, one JSON-RPC message per frame
 * ```
 */
import { version, type ActorContext } from 'rxpulsar';
import { RpcDispatcher, rpcHttpHandler, rpcWebSocket, serverCommands } from 'rxpulsar/apps/rpc';
import { webSocket } from 'rxpulsar/apps/ws';
import type { HttpRequest, HttpResult } from 'rxpulsar/operators';
import { joinPath, pageResponse, rpcResponse, type WebSample, type WebSampleFactory } from '../web/web-sample';
import { Calculator } from './calculator';
import { calculatorPage } from './page';

export interface CalculatorSampleOptions {
  /** Uniform source in [0, 1) of `calc.randompaths`. @default Math.random */
  readonly random?: () => number;
}

/** `server_info`: pulsar answered `{ server: { version, ... } }`; the worker is added. */
function serverInfo(actor: ActorContext): () => Record<string, unknown> {
  return () => ({
    server: { name: 'rxpulsar', version: version(), worker: actor.aid, pid: process.pid, node: process.version, uptime: process.uptime() },
  });
}

/** The calculator's dispatcher in one worker (exported for tests and other transports). */
export function calculatorDispatcher(actor: ActorContext, options: CalculatorSampleOptions = {}): RpcDispatcher {
  return new RpcDispatcher([{ calc: new Calculator(options.random) }, serverCommands({ serverInfo: serverInfo(actor) })]);
}

/** Builds the calculator factory (`options` let a test seed the random walks). */
export function createCalculatorSample(options: CalculatorSampleOptions = {}): WebSampleFactory {
  return (base: string, actor: ActorContext): WebSample => {
    const root = joinPath(base);
    const dispatcher = calculatorDispatcher(actor, options);
    const rpc = rpcHttpHandler(dispatcher);
    const page = calculatorPage();
    const handle = (request: HttpRequest): Promise<HttpResult> | HttpResult | undefined => {
      if (request.path !== root) return undefined;
      return request.method === 'POST' ? rpcResponse(rpc, request) : pageResponse(request, page, 'GET, HEAD, POST');
    };
    return { base: root, handle, routes: [webSocket(joinPath(root, 'ws'), rpcWebSocket(dispatcher))] };
  };
}

/** The calculator, for `serveSamples` and the showcase. */
export const calculatorSample: WebSampleFactory = createCalculatorSample();

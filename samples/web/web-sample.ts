/**
 * What the web samples share: a sample is an HTTP handler for the paths under its base (it
 * answers `undefined` for the paths that are not its own) plus WebSocket routes. One sample runs
 * alone with {@link serveSamples}; the showcase mounts several under one server the same way.
 */
import type { ActorContext, Config } from 'rxpulsar';
import { WebSocketApp, webSocketOptionsFromConfig, type WsRoute } from 'rxpulsar/apps/ws';
import { reactive, type HttpApp, type HttpOptions, type WSGIServerOptions } from 'rxpulsar/apps/wsgi';
import type { RpcHttpRequest, RpcHttpResponse } from 'rxpulsar/apps/rpc';
import { HttpResponse, type HttpHandler, type HttpRequest, type HttpResult } from 'rxpulsar/operators';

export interface WebSample {
  /** The base path, ending with `/` (`/calculator/`). */
  readonly base: string;
  /** Answers the requests under `base`; `undefined` = not mine. */
  readonly handle: (request: HttpRequest) => ReturnType<HttpHandler> | undefined;
  /** WebSocket routes (absolute paths). */
  readonly routes?: readonly WsRoute[];
}

/** Builds a sample in a worker (it may open per-worker resources: pub/sub, clients). */
export type WebSampleFactory = (base: string, actor: ActorContext, config: Config) => WebSample;

/** `/a/` + `b` → `/a/b`; makes sure a base ends with `/`. */
export function joinPath(base: string, path = ''): string {
  const b = base.endsWith('/') ? base : `${base}/`;
  return b + path.replace(/^\/+/, '');
}

/**
 * A sample's page at its path: the HTML for GET and HEAD, 405 for other methods (`allow` lists
 * what the path answers).
 */
export function pageResponse(request: HttpRequest, html: string, allow = 'GET, HEAD'): HttpResult {
  if (request.method === 'GET' || request.method === 'HEAD') return HttpResponse.html(html);
  return HttpResponse.text('Method not allowed\n', { status: 405, headers: { allow } });
}

/** A request answered by a JSON-RPC HTTP handler (`rpcHttpHandler`). */
export async function rpcResponse(rpc: (request: RpcHttpRequest) => Promise<RpcHttpResponse>, request: HttpRequest): Promise<HttpResponse> {
  const reply = await rpc({ method: request.method, headers: request.headers, body: await request.buffer() });
  return new HttpResponse(reply.body, { status: reply.status, headers: reply.headers });
}

/** The HttpApp and upgrade hook serving `samples` in one worker. */
export function samplesApp(samples: readonly WebSample[], config: Config): { app: HttpApp; http: HttpOptions; ws: WebSocketApp } {
  const ws = new WebSocketApp(
    samples.flatMap((s) => s.routes ?? []),
    webSocketOptionsFromConfig(config),
  );
  const app = reactive((request) => {
    const rejection = ws.handleRequest(request);
    if (rejection) return new HttpResponse(rejection.body, { status: rejection.status, headers: rejection.headers });
    for (const sample of samples) {
      if (!request.path.startsWith(sample.base) && request.path !== sample.base.slice(0, -1)) continue;
      if (request.path === sample.base.slice(0, -1)) return HttpResponse.redirect(sample.base, 301);
      const result = sample.handle(request);
      if (result !== undefined) return result;
    }
    return HttpResponse.text('Not Found\n', { status: 404 });
  });
  return { app, http: { onUpgrade: (request, socket, head) => ws.handleUpgrade(request, socket, head) }, ws };
}

/**
 * WSGIServer options from a per-worker build: `build` runs once in each worker, its WebSocket
 * app is closed when the worker stops.
 */
export function servePerWorker(name: string, build: (actor: ActorContext, config: Config) => ReturnType<typeof samplesApp>): WSGIServerOptions {
  const parts = new WeakMap<ActorContext, ReturnType<typeof samplesApp>>();
  const get = (actor: ActorContext, config: Config): ReturnType<typeof samplesApp> => {
    let built = parts.get(actor);
    if (!built) {
      const made = build(actor, config);
      parts.set(actor, made);
      actor.onStop(() => made.ws.close(1001));
      built = made;
    }
    return built;
  };
  return { name, app: (actor, config) => get(actor, config).app, http: (actor, config) => get(actor, config).http };
}

/** WSGIServer options that serve samples at `/`. */
export function serveSamples(name: string, factories: readonly WebSampleFactory[]): WSGIServerOptions {
  return servePerWorker(name, (actor, config) => samplesApp(factories.map((f) => f('/', actor, config)), config));
}

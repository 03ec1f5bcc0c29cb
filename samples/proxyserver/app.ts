/**
 * The forwarding half of the proxy (pulsar's examples/proxyserver, fixed): absolute-form requests
 * (`GET http://host/path HTTP/1.1`) are sent upstream with undici, and the upstream response
 * comes back as it arrives. Both bodies stream with backpressure: the client's body is read
 * only as fast as upstream takes it, the upstream body only as fast as the client reads.
 *
 * ```
 * client ──GET http://up/x──▶ headers middleware ──undici.request──▶ upstream
 *        ◀──status, headers, body (stream)── headers middleware ◀──────┘
 * ```
 *
 * CONNECT tunnels are the other half (`connect-tunnel.ts`): the engine does not hand CONNECT
 * connections over, so they are taken before it sees them.
 */
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { reactive, type HttpApp } from 'rxpulsar/apps/wsgi';
import { EMPTY_BODY, HttpResponse, type HttpRequest } from 'rxpulsar/operators';
import { HeaderList } from './header-list';
import { addHeaders, removeHeaders, removeHopByHop, via, xForwardedFor, type HeaderMiddleware } from './header-middleware';
import { infoPage } from './info-page';

export interface ProxyOptions {
  /** Header fields set on every forwarded request. @default {} */
  readonly addHeaders?: Readonly<Record<string, string>>;
  /** Header fields set on every response returned. @default {} */
  readonly addResponseHeaders?: Readonly<Record<string, string>>;
  /** Which targets may be reached (an open proxy is an abuse magnet). @default every http:// URL */
  readonly allow?: (target: URL) => boolean;
  /** The undici dispatcher requests go through. @default a new `Agent` with `timeout` */
  readonly dispatcher?: Dispatcher;
  /** Requests whose `Via` already lists this many hops are answered 508 (a loop). @default 10 */
  readonly maxHops?: number;
  /** Where the info page is served (origin-form requests). @default '/' */
  readonly prefix?: string;
  /** Header fields removed from every forwarded request. @default [] */
  readonly removeHeaders?: readonly string[];
  /** Header fields removed from every response returned. @default [] */
  readonly removeResponseHeaders?: readonly string[];
  /** More middleware for requests, run after the built-in ones. */
  readonly requestHeaders?: readonly HeaderMiddleware[];
  /** More middleware for responses, run after the built-in ones. */
  readonly responseHeaders?: readonly HeaderMiddleware[];
  /** Milliseconds to connect, to get the response headers, between body chunks. @default 30000 */
  readonly timeout?: number;
  /** Pseudonym added to `Via`; '' adds none. @default 'rxpulsar' */
  readonly via?: string;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Statuses whose responses never have a body (RFC 9110 §6.4.1). */
const NO_BODY = new Set([204, 304]);

function ignore(): void {
  // errors of a stream someone else already handles or no longer needs
}

/** undici refuses `Expect` (the engine already answered 100-continue) and sets `Host` itself. */
const NOT_FORWARDED = ['expect', 'host'];

/** The request chain: hop-by-hop out, forwarding information in, then the configured edits. */
function requestChain(options: ProxyOptions): HeaderMiddleware[] {
  const chain: HeaderMiddleware[] = [removeHopByHop(), removeHeaders(NOT_FORWARDED), xForwardedFor()];
  if (options.via !== '') chain.push(via(options.via ?? 'rxpulsar'));
  if (options.removeHeaders !== undefined) chain.push(removeHeaders(options.removeHeaders));
  if (options.addHeaders !== undefined) chain.push(addHeaders(options.addHeaders));
  return [...chain, ...(options.requestHeaders ?? [])];
}

function responseChain(options: ProxyOptions): HeaderMiddleware[] {
  const chain: HeaderMiddleware[] = [removeHopByHop()];
  if (options.via !== '') chain.push(via(options.via ?? 'rxpulsar'));
  if (options.removeResponseHeaders !== undefined) chain.push(removeHeaders(options.removeResponseHeaders));
  if (options.addResponseHeaders !== undefined) chain.push(addHeaders(options.addResponseHeaders));
  return [...chain, ...(options.responseHeaders ?? [])];
}

function plain(status: number, text: string): HttpResponse {
  return new HttpResponse(`${text}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Upstream failures as the client should see them: 504 for timeouts, 502 otherwise. */
function gatewayError(error: unknown, target: URL): HttpResponse {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  const timeout = /TIMEOUT/i.test(code);
  return plain(timeout ? 504 : 502, `${timeout ? 'Gateway Timeout' : 'Bad Gateway'}: ${target.host}: ${code ? `${code} ` : ''}${message}`);
}

function hops(request: HttpRequest): number {
  const value = request.header('via');
  return value === undefined ? 0 : value.split(',').length;
}

/** Forwards one absolute-form request. */
async function forward(request: HttpRequest, options: ProxyOptions, dispatcher: Dispatcher, chains: { up: HeaderMiddleware[]; down: HeaderMiddleware[] }): Promise<HttpResponse> {
  let target: URL;
  try {
    target = new URL(request.url);
  } catch {
    return plain(400, `Bad Request: invalid URL ${request.url}`);
  }
  if (target.protocol !== 'http:') return plain(400, `Bad Request: only http:// URLs are forwarded (use CONNECT for ${target.protocol}//)`);
  if (options.allow !== undefined && !options.allow(target)) return plain(403, `Forbidden: ${target.host} is not allowed through this proxy`);
  if (hops(request) >= (options.maxHops ?? 10)) return plain(508, 'Loop Detected: too many proxies in Via');

  const headers = HeaderList.fromFlat(request.rawHeaders);
  for (const middleware of chains.up) middleware(headers, request);
  headers.set('Host', target.host);
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await undiciRequest(target, {
      method: request.method as Dispatcher.HttpMethod,
      headers: headers.toFlat(),
      // The engine's body as a Readable: it pauses the client's socket while undici's is full.
      body: request.body$ === EMPTY_BODY ? undefined : request.body$.readable(),
      dispatcher,
      // Client gone: the upstream request (and its body) is aborted too.
      signal: request.signal,
    });
  } catch (error) {
    return gatewayError(error, target);
  }
  const back = HeaderList.fromRecord(upstream.headers);
  for (const middleware of chains.down) middleware(back, request);
  const body = upstream.body;
  // undici's body emits 'error' when destroyed; whoever destroys it (the engine, when the client
  // goes away) may not be listening any more, and an unheard 'error' would kill the worker.
  body.on('error', ignore);
  if (request.method === 'HEAD' || NO_BODY.has(upstream.statusCode)) {
    // Nothing to stream: release the upstream connection now. (The engine destroys a Readable
    // body of a HEAD response without listening for its 'error', see the sample's docs.)
    void body.dump().catch(ignore);
    return new HttpResponse(null, { status: upstream.statusCode, headers: back.toRecord() });
  }
  // A Readable: the engine pauses it while the client's socket is full and destroys it if the
  // client goes away.
  return new HttpResponse(body, { status: upstream.statusCode, headers: back.toRecord() });
}

/** A dispatcher with the proxy's timeouts. */
export function proxyAgent(timeoutMs = 30_000): Agent {
  return new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 4_000 });
}

/**
 * The forward proxy as an HttpApp: absolute-form requests are forwarded, origin-form requests
 * under `prefix` get a page saying how to use it, anything else is a 400.
 *
 * ## Example
 * ```ts
 * import { WSGIServer } from 'rxpulsar/apps/wsgi';
 * new WSGIServer({ name: 'proxy', app: () => proxyApp({ addHeaders: { 'X-Proxied-By': 'me' } }), settings: { http_max_body_size: 2 ** 40 } }).start();
 * // curl -x http://127.0.0.1:8060 http://example.com/
 * ```
 */
export function proxyApp(options: ProxyOptions = {}): HttpApp {
  const chains = { up: requestChain(options), down: responseChain(options) };
  let dispatcher = options.dispatcher;
  const prefix = `/${(options.prefix ?? '').split('/').filter(Boolean).join('/')}`;
  const page = infoPage();
  return reactive((request) => {
    if (ABSOLUTE.test(request.url)) {
      dispatcher ??= proxyAgent(options.timeout);
      return forward(request, options, dispatcher, chains);
    }
    if ((request.path === prefix || request.path === `${prefix}/`) && (request.method === 'GET' || request.method === 'HEAD')) return HttpResponse.html(page);
    return plain(400, 'Bad Request: this is a forward proxy; send absolute-form requests (GET http://host/path HTTP/1.1) or CONNECT host:port');
  });
}

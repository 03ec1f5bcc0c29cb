/**
 * The WSGI `environ` (PEP 3333) of a request.
 *
 * Fixes pulsar bugs: `wsgi.version` is the WSGI version `[1, 0]` (pulsar put the HTTP version
 * there), `wsgi.run_once` is false, and forwarded headers (`X-Forwarded-*`) are only trusted
 * when asked to. Header names with `_` are dropped: `X_Foo` and `X-Foo` would both become
 * `HTTP_X_FOO`, a known header-spoofing trick behind proxies.
 */
import type { Writable } from 'node:stream';
import type { HttpRequest } from '../../operators/http/http-request';
import type { RequestBody } from '../../operators/http/request-body';

/** The environ a WSGI callable receives. `HTTP_*` keys hold the request headers. */
export interface WsgiEnviron {
  REQUEST_METHOD: string;
  SCRIPT_NAME: string;
  PATH_INFO: string;
  QUERY_STRING: string;
  CONTENT_TYPE: string;
  CONTENT_LENGTH: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SERVER_PROTOCOL: string;
  SERVER_SOFTWARE: string;
  REMOTE_ADDR: string;
  REMOTE_PORT: string;
  /** The request target exactly as sent (absolute-form kept, as pulsar did). */
  RAW_URI: string;
  /** Always `[1, 0]`: the WSGI version, not the HTTP one. */
  'wsgi.version': readonly [1, 0];
  'wsgi.url_scheme': 'http' | 'https';
  /** The body: an `Observable<Buffer>` with `readable()`, `buffer()`, `text()`, `json()`, `for await`. */
  'wsgi.input': RequestBody;
  'wsgi.errors': Writable;
  'wsgi.multithread': boolean;
  'wsgi.multiprocess': boolean;
  'wsgi.run_once': boolean;
  /** The reactive request behind this environ (query, cookies, form helpers). */
  'rxpulsar.request': HttpRequest;
  [header: `HTTP_${string}`]: string | undefined;
  [key: string]: unknown;
}

export interface EnvironOptions {
  /** Mount point: stripped from the front of `PATH_INFO`. @default '' */
  readonly scriptName: string;
  /** Trust `X-Forwarded-For` / `X-Forwarded-Proto` (behind a proxy you control). @default false */
  readonly trustProxy: boolean;
  readonly serverSoftware: string;
}

const WSGI_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);

/** Header name → environ key (`''` = not copied); bounded so random names cannot grow it. */
const keyCache = new Map<string, string>();

function environKey(name: string): string {
  let key = keyCache.get(name);
  if (key !== undefined) return key;
  const lower = name.toLowerCase();
  if (lower === 'content-type' || lower === 'content-length' || name.indexOf('_') !== -1) key = '';
  else key = `HTTP_${name.toUpperCase().replace(/-/g, '_')}`;
  if (keyCache.size < 512) keyCache.set(name, key);
  return key;
}

function splitHost(host: string): [string, string] {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const port = host.slice(end + 1);
    return [host.slice(0, end + 1), port.startsWith(':') ? port.slice(1) : ''];
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? [host, ''] : [host.slice(0, colon), host.slice(colon + 1)];
}

/** Builds the environ of `request`. */
export function buildEnviron(request: HttpRequest, options: EnvironOptions): WsgiEnviron {
  const connection = request.connection;
  let scheme: 'http' | 'https' = connection.encrypted ? 'https' : 'http';
  let remoteAddr = connection.remoteAddress;
  let path = request.path;
  const scriptName = options.scriptName;
  if (scriptName !== '' && path.startsWith(scriptName)) path = path.slice(scriptName.length);
  const environ: WsgiEnviron = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: scriptName,
    PATH_INFO: path,
    QUERY_STRING: request.queryString,
    CONTENT_TYPE: '',
    CONTENT_LENGTH: '',
    SERVER_NAME: '',
    SERVER_PORT: '',
    SERVER_PROTOCOL: request.httpVersionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1',
    SERVER_SOFTWARE: options.serverSoftware,
    REMOTE_ADDR: remoteAddr,
    REMOTE_PORT: String(connection.remotePort),
    RAW_URI: request.url,
    'wsgi.version': WSGI_VERSION,
    'wsgi.url_scheme': scheme,
    'wsgi.input': request.body$,
    'wsgi.errors': process.stderr,
    'wsgi.multithread': false,
    'wsgi.multiprocess': true,
    'wsgi.run_once': false,
    'rxpulsar.request': request,
  };
  const raw = request.rawHeaders;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const key = environKey(name);
    const value = raw[i + 1];
    if (key === '') {
      const lower = name.toLowerCase();
      if (lower === 'content-type') environ.CONTENT_TYPE = value;
      else if (lower === 'content-length') environ.CONTENT_LENGTH = value;
      continue;
    }
    const previous = environ[key as `HTTP_${string}`];
    environ[key as `HTTP_${string}`] = previous === undefined ? value : `${previous}${key === 'HTTP_COOKIE' ? '; ' : ', '}${value}`;
    if (key === 'HTTP_HOST') host = value;
  }
  if (host !== undefined && host !== '') {
    const [name, port] = splitHost(host);
    environ.SERVER_NAME = name;
    environ.SERVER_PORT = port !== '' ? port : scheme === 'https' ? '443' : '80';
  } else {
    environ.SERVER_NAME = connection.localAddress;
    environ.SERVER_PORT = String(connection.localPort);
  }
  if (options.trustProxy) {
    const proto = environ.HTTP_X_FORWARDED_PROTO;
    if (proto !== undefined) {
      scheme = proto.split(',')[0].trim().toLowerCase() === 'https' ? 'https' : 'http';
      environ['wsgi.url_scheme'] = scheme;
    }
    const forwarded = environ.HTTP_X_FORWARDED_FOR;
    if (forwarded !== undefined) {
      // The last entry is the one our proxy added (earlier ones are client-supplied).
      const hops = forwarded.split(',');
      remoteAddr = hops[hops.length - 1].trim();
      environ.REMOTE_ADDR = remoteAddr;
    }
  }
  return environ;
}

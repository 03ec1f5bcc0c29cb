/**
 * Settings of the HTTP engine (`--http-*`), and the function that maps a resolved
 * configuration onto {@link HttpOptions}. `keep_alive` (socket app) and `debug` (global) are
 * mapped by the server itself.
 */
import { defineSetting, type Setting } from '../../lib/config/registry';
import { choice, integer, number, stringList } from '../../lib/config/validators';
import { DEFAULT_METHODS, HTTP_DEFAULTS, type HttpOptions } from './http-options';

const section = 'HTTP';
const app = 'wsgi';

export const httpParser = defineSetting<'llhttp'>({
  name: 'http_parser',
  flags: ['--http-parser'],
  meta: 'PARSER',
  default: 'llhttp',
  validate: choice<'llhttp'>(['llhttp']),
  section,
  app,
  help: "HTTP/1.1 request parser: llhttp (Node's bundled C parser, strict mode). The only one: it is the fastest measured and what node:http itself runs.",
});

export const httpMaxBodySize = defineSetting<number>({
  name: 'http_max_body_size',
  flags: ['--http-max-body-size'],
  meta: 'BYTES',
  default: HTTP_DEFAULTS.maxBodySize,
  validate: integer({ min: 0 }),
  section,
  app,
  help: 'Largest request body; larger ones are answered 413 (before reading it when Content-Length says so).',
});

export const httpMaxHeaderSize = defineSetting<number>({
  name: 'http_max_header_size',
  flags: ['--http-max-header-size'],
  meta: 'BYTES',
  default: HTTP_DEFAULTS.maxHeaderSize,
  validate: integer({ min: 256 }),
  section,
  app,
  help: 'Most bytes in a request line plus headers; more is answered 431.',
});

export const httpMaxHeaderCount = defineSetting<number>({
  name: 'http_max_header_count',
  flags: ['--http-max-header-count'],
  meta: 'INT',
  default: HTTP_DEFAULTS.maxHeaderCount,
  validate: integer({ min: 1 }),
  section,
  app,
  help: 'Most header fields in a request; more is answered 431.',
});

export const httpHeadersTimeout = defineSetting<number>({
  name: 'http_headers_timeout',
  flags: ['--http-headers-timeout'],
  meta: 'SECONDS',
  default: HTTP_DEFAULTS.headersTimeout / 1000,
  validate: number({ min: 0 }),
  section,
  app,
  help: 'Seconds from the first byte of a request to the end of its headers (slowloris); then 408 and close. 0: no limit.',
});

export const httpRequestTimeout = defineSetting<number>({
  name: 'http_request_timeout',
  flags: ['--http-request-timeout'],
  meta: 'SECONDS',
  default: HTTP_DEFAULTS.requestTimeout / 1000,
  validate: number({ min: 0 }),
  section,
  app,
  help: 'Seconds from the first byte of a request to the end of its body; then 408 and close. 0: no limit.',
});

export const httpMaxPipelined = defineSetting<number>({
  name: 'http_max_pipelined',
  flags: ['--http-max-pipelined'],
  meta: 'INT',
  default: HTTP_DEFAULTS.maxPipelined,
  validate: integer({ min: 1 }),
  section,
  app,
  help: 'Pipelined requests in flight on one connection before the server stops reading it.',
});

export const httpMaxRequestsPerConnection = defineSetting<number>({
  name: 'http_max_requests_per_connection',
  flags: ['--http-max-requests-per-connection'],
  meta: 'INT',
  default: HTTP_DEFAULTS.maxRequestsPerConnection,
  validate: integer({ min: 0 }),
  section,
  app,
  help: 'Requests served on one keep-alive connection before it is closed (0: no limit).',
});

export const httpMethods = defineSetting<string[]>({
  name: 'http_methods',
  flags: ['--http-methods'],
  meta: 'LIST',
  default: [...DEFAULT_METHODS],
  validate: stringList,
  section,
  app,
  help: 'Comma-separated request methods served; other well-formed methods are answered 501.',
});

/** The part of a Config this module reads. */
export interface SettingsReader {
  get<T>(setting: Setting<T>): T;
}

/** HttpOptions from a resolved configuration (keep-alive, debug and onError are set by the server). */
export function httpOptionsFromConfig(cfg: SettingsReader): HttpOptions {
  return {
    headersTimeout: Math.round(cfg.get(httpHeadersTimeout) * 1000),
    maxBodySize: cfg.get(httpMaxBodySize),
    maxHeaderCount: cfg.get(httpMaxHeaderCount),
    maxHeaderSize: cfg.get(httpMaxHeaderSize),
    maxPipelined: cfg.get(httpMaxPipelined),
    maxRequestsPerConnection: cfg.get(httpMaxRequestsPerConnection),
    methods: cfg.get(httpMethods).map((m) => m.toUpperCase()),
    requestTimeout: Math.round(cfg.get(httpRequestTimeout) * 1000),
  };
}

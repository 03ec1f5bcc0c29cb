/**
 * The request a reactive handler receives (and the one behind a WSGI environ). Cheap to create:
 * everything beyond the parsed request line and raw headers (header record, path, query,
 * cookies, abort signal) is computed on first access.
 */
import { createError } from '../../lib/errors';
import { parseCookies } from './cookies';
import { headersToRecord, joinFieldValues, mediaType, preferredType, type HeaderMap } from './headers';
import { parseMultipart, type FormData } from './multipart';
import { parseQuery, safeDecodeURIComponent, type MultiValueRecord } from './query';
import type { RequestBody } from './request-body';

/** What a request knows about its connection. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** TLS connection. */
  readonly encrypted: boolean;
}

/** The server side of a request (implemented by the HTTP server's exchange). */
export interface RequestContext {
  readonly connection: ConnectionInfo;
  /** A signal aborted when the client goes away before the response is complete. */
  abortSignal(): AbortSignal;
}

/** Route parameters: `<int:id>` gives a number, other converters strings. */
export type RouteParams = Readonly<Record<string, string | number>>;

const NO_PARAMS: RouteParams = Object.freeze({});

/**
 * One HTTP request.
 *
 * ## Example
 * ```ts
 * import { reactive } from 'rxpulsar/apps/wsgi';
 * import { HttpResponse } from 'rxpulsar/operators';
 * const app = reactive(async (req) => HttpResponse.json({ you: req.remoteAddress, sent: await req.json() }));
 * ```
 */
export class HttpRequest {
  /** Request method as sent (`GET`, `POST`, …). */
  readonly method: string;
  /** Request target as sent: origin-form (`/a?b`), absolute-form or `*`. */
  readonly url: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  /** Headers as received: `[name, value, name, value, …]`. */
  readonly rawHeaders: readonly string[];
  /** The body: an Observable of chunks (subscribe once) with `buffer()`/`text()`/`json()`. */
  readonly body$: RequestBody;
  /** Values captured by the router's rule (`<int:id>` → `params.id`). */
  params: RouteParams = NO_PARAMS;
  readonly #context: RequestContext;
  #headers: Record<string, string> | undefined;
  #pathEnd = -1;
  #pathStart = 0;
  #path: string | undefined;
  #query: MultiValueRecord | undefined;
  #cookies: Record<string, string> | undefined;
  #locals: Record<string, unknown> | undefined;

  constructor(
    method: string,
    url: string,
    httpVersionMajor: number,
    httpVersionMinor: number,
    rawHeaders: readonly string[],
    body: RequestBody,
    context: RequestContext,
  ) {
    this.method = method;
    this.url = url;
    this.httpVersionMajor = httpVersionMajor;
    this.httpVersionMinor = httpVersionMinor;
    this.rawHeaders = rawHeaders;
    this.body$ = body;
    this.#context = context;
  }

  /** `'1.1'` or `'1.0'`. */
  get httpVersion(): string {
    return `${this.httpVersionMajor}.${this.httpVersionMinor}`;
  }

  /** Headers by lower-case name; repeated fields joined with `", "`. */
  get headers(): HeaderMap {
    return (this.#headers ??= headersToRecord(this.rawHeaders));
  }

  /** One header (any case); repeated fields joined. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (this.#headers !== undefined) return this.#headers[lower];
    const raw = this.rawHeaders;
    let found: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i];
      if (key.length !== lower.length || key.toLowerCase() !== lower) continue;
      found = found === undefined ? raw[i + 1] : joinFieldValues(lower, found, raw[i + 1]);
    }
    return found;
  }

  #splitTarget(): void {
    if (this.#pathEnd !== -1) return;
    const url = this.url;
    let start = 0;
    if (url.charCodeAt(0) !== 0x2f && url !== '*') {
      // absolute-form (RFC 9112 §3.2.2): skip "scheme://authority"
      const scheme = url.indexOf('://');
      if (scheme !== -1) {
        const slash = url.indexOf('/', scheme + 3);
        const query = url.indexOf('?', scheme + 3);
        start = slash === -1 || (query !== -1 && query < slash) ? -1 : slash;
      }
    }
    const q = url.indexOf('?', Math.max(start, 0));
    this.#pathStart = start;
    this.#pathEnd = q === -1 ? url.length : q;
  }

  /** The path as sent (not decoded), e.g. `/a%20b`; `/` for an absolute-form URL without one. */
  get rawPath(): string {
    this.#splitTarget();
    return this.#pathStart === -1 ? '/' : this.url.slice(this.#pathStart, this.#pathEnd);
  }

  /** The %-decoded path (`/a b`); malformed escapes are left as sent. */
  get path(): string {
    return (this.#path ??= safeDecodeURIComponent(this.rawPath));
  }

  /** The query string without `?` (raw). */
  get queryString(): string {
    this.#splitTarget();
    return this.#pathEnd >= this.url.length ? '' : this.url.slice(this.#pathEnd + 1);
  }

  /** Query parameters; a repeated name keeps every value. */
  get query(): MultiValueRecord {
    return (this.#query ??= parseQuery(this.queryString));
  }

  /** Cookies sent by the client. */
  get cookies(): Readonly<Record<string, string>> {
    return (this.#cookies ??= parseCookies(this.header('cookie')));
  }

  /** Per-request scratch space for middleware. */
  get locals(): Record<string, unknown> {
    return (this.#locals ??= {});
  }

  get remoteAddress(): string {
    return this.#context.connection.remoteAddress;
  }

  get remotePort(): number {
    return this.#context.connection.remotePort;
  }

  /** The connection this request came on. */
  get connection(): ConnectionInfo {
    return this.#context.connection;
  }

  /** `'https'` on a TLS connection, else `'http'`. */
  get scheme(): 'http' | 'https' {
    return this.#context.connection.encrypted ? 'https' : 'http';
  }

  /** Aborted when the client disconnects before the response is complete. */
  get signal(): AbortSignal {
    return this.#context.abortSignal();
  }

  /** The media type of the body (`application/json`), lower-case, no parameters. */
  get contentType(): string {
    return mediaType(this.header('content-type'));
  }

  /** Which of `types` the client's `Accept` prefers (undefined: none acceptable). */
  accepts(types: readonly string[]): string | undefined {
    return preferredType(this.header('accept'), types);
  }

  /** The whole body. */
  buffer(): Promise<Buffer> {
    return this.body$.buffer();
  }

  /** The whole body as text. */
  text(): Promise<string> {
    return this.body$.text();
  }

  /** The body parsed as JSON (400 `RXP_ERR_HTTP_INVALID_BODY` when malformed). */
  json<T = unknown>(): Promise<T> {
    return this.body$.json<T>();
  }

  /**
   * A urlencoded or multipart form (`fields`, `files`); any other content type is 415
   * `RXP_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE`.
   */
  async form(): Promise<FormData> {
    const type = this.contentType;
    if (type === 'application/x-www-form-urlencoded') {
      const body = await this.buffer();
      return { fields: parseQuery(body.toString('utf8')), files: [] };
    }
    if (type === 'multipart/form-data') {
      const body = await this.buffer();
      return parseMultipart(body, this.header('content-type') ?? '');
    }
    throw createError('RXP_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE', type);
  }
}

/**
 * The response a reactive handler answers with. Any `{ status, headers, body }` object works
 * ({@link HttpResponseLike}); the class adds helpers (`json`, `redirect`, cookies, headers).
 */
import type { Observable } from 'rxjs';
import type { Readable } from 'node:stream';
import { serializeCookie, type CookieOptions } from './cookies';
import { headerKey, type OutgoingHeaders } from './headers';
import type { HttpRequest } from './http-request';

/** A piece of a streamed body: strings are sent as UTF-8. */
export type BodyChunk = string | Uint8Array;

/** True for a string or bytes: what a body may be made of. */
export function isBodyChunk(value: unknown): value is BodyChunk {
  return typeof value === 'string' || value instanceof Uint8Array;
}

/**
 * A response body: complete (`string`, bytes), streamed (`Observable` of chunks, a Node
 * `Readable`, an async iterable) or none. A complete body gets a `Content-Length`; a streamed
 * one is sent chunked (HTTP/1.1) or delimited by closing the connection (HTTP/1.0).
 */
export type ResponseBody = string | Uint8Array | Observable<BodyChunk> | Readable | AsyncIterable<BodyChunk> | null | undefined;

/** The shape the server serializes. */
export interface HttpResponseLike {
  /** @default 200 */
  readonly status?: number;
  readonly headers?: OutgoingHeaders;
  readonly body?: ResponseBody;
}

export interface ResponseInit {
  /** @default 200 */
  readonly status?: number;
  readonly headers?: OutgoingHeaders;
}

const TEXT = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function withType(type: string, headers: OutgoingHeaders | undefined): OutgoingHeaders {
  const out: OutgoingHeaders = { 'content-type': type };
  if (headers !== undefined) {
    for (const key in headers) {
      if (key.toLowerCase() === 'content-type') delete out['content-type'];
      out[key] = headers[key];
    }
  }
  return out;
}

/**
 * A response: status, headers, body, and the request it answers (set by the server and the
 * `handle`/`route` operators, so `after` middleware such as `compress()` can read it).
 *
 * ## Example
 * ```ts
 * import { HttpResponse } from 'rxpulsar/operators';
 * const created = HttpResponse.json({ id: 7 }, { status: 201 }).setCookie('seen', '1', { httpOnly: true });
 * ```
 */
export class HttpResponse implements HttpResponseLike {
  status: number;
  headers: OutgoingHeaders;
  body: ResponseBody;
  /** The request this answers, once known. */
  request: HttpRequest | undefined = undefined;

  constructor(body: ResponseBody = null, init?: ResponseInit) {
    this.body = body;
    this.status = init?.status ?? 200;
    this.headers = init?.headers ?? {};
  }

  /** `text/plain; charset=utf-8`. */
  static text(text: string, init?: ResponseInit): HttpResponse {
    return new HttpResponse(text, { status: init?.status, headers: withType(TEXT, init?.headers) });
  }

  /** `text/html; charset=utf-8`. */
  static html(html: string, init?: ResponseInit): HttpResponse {
    return new HttpResponse(html, { status: init?.status, headers: withType(HTML, init?.headers) });
  }

  /** `value` serialized with `JSON.stringify`, `application/json; charset=utf-8`. */
  static json(value: unknown, init?: ResponseInit): HttpResponse {
    return new HttpResponse(JSON.stringify(value) ?? 'null', { status: init?.status, headers: withType(JSON_TYPE, init?.headers) });
  }

  /** A redirect to `location` (302 unless told otherwise). */
  static redirect(location: string, status = 302): HttpResponse {
    return new HttpResponse(null, { status, headers: { location } });
  }

  /** A response without a body (204 unless told otherwise). */
  static empty(status = 204, headers?: OutgoingHeaders): HttpResponse {
    return new HttpResponse(null, { status, headers });
  }

  /** The response for a handler's result: responses pass through, strings/bytes become 200. */
  static from(value: HttpResponseLike | string | Uint8Array): HttpResponse {
    if (value instanceof HttpResponse) return value;
    if (typeof value === 'string') return HttpResponse.text(value);
    if (value instanceof Uint8Array) return new HttpResponse(value, { headers: { 'content-type': 'application/octet-stream' } });
    // A plain object: copy the headers, so helpers can change them without touching the source.
    return new HttpResponse(value.body ?? null, { status: value.status, headers: value.headers === undefined ? {} : { ...value.headers } });
  }

  /** A header (any case); several values joined with `", "`. */
  header(name: string): string | undefined {
    const key = headerKey(this.headers, name);
    if (key === undefined) return undefined;
    const value = this.headers[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  /** Sets a header, replacing any value under any case. */
  setHeader(name: string, value: string | number | readonly string[]): this {
    const key = headerKey(this.headers, name);
    if (key !== undefined && key !== name) delete this.headers[key];
    this.headers[name] = value;
    return this;
  }

  /** Adds a value to a header (sent as one more line). */
  appendHeader(name: string, value: string): this {
    const key = headerKey(this.headers, name);
    if (key === undefined) {
      this.headers[name] = value;
      return this;
    }
    const previous = this.headers[key];
    if (previous === undefined) this.headers[key] = value;
    else this.headers[key] = Array.isArray(previous) ? [...(previous as readonly string[]), value] : [String(previous), value];
    return this;
  }

  removeHeader(name: string): this {
    const key = headerKey(this.headers, name);
    if (key !== undefined) delete this.headers[key];
    return this;
  }

  /** Adds a `Set-Cookie` (every cookie is kept — pulsar kept only the last one). */
  setCookie(name: string, value: string, options?: CookieOptions): this {
    return this.appendHeader('set-cookie', serializeCookie(name, value, options));
  }

  /** Expires a cookie on the client. */
  deleteCookie(name: string, options?: Pick<CookieOptions, 'domain' | 'path'>): this {
    return this.setCookie(name, '', { ...options, maxAge: 0, expires: 0 });
  }
}

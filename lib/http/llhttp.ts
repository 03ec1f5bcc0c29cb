/**
 * Node's bundled llhttp — the C parser `node:http` itself uses — behind a small typed wrapper.
 *
 * This is the ONLY module that reaches into Node internals for HTTP parsing
 * (`require('_http_common').HTTPParser`); everything else talks to {@link LlhttpParser}. The
 * parser always runs strict (`kLenientNone`): no lenient flags, so request-smuggling shapes
 * (CL+TE, duplicate Content-Length, bare LF/CR, obs-fold, bad chunk sizes) are errors.
 *
 * Callbacks reach their owner through a field on the native object and module-level functions
 * (ws style): no closure is allocated per connection or per request. Native parsers are pooled
 * and re-initialised, as `node:http` does.
 *
 * No message-begin callback is installed, as `node:http` installs none: when a worker thread is
 * terminated while llhttp runs, the JS call returns empty, and Node's `on_message_begin` (unlike
 * the other callbacks) keeps parsing into a property read that aborts the whole process
 * (`FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal`). Owners ask {@link LlhttpParser.inHead}
 * after a read instead. (The header-flush callback has the same flaw but runs only for messages
 * with more than 32 fields or with trailers; it cannot be left out, so that narrow window stays,
 * as in `node:http`.)
 *
 * @see https://github.com/nodejs/llhttp
 */
import type { Socket } from 'node:net';
import { createError, type ErrorCode, type RxPulsarError } from '../errors';

/** The llhttp version bundled with this Node (`process.versions.llhttp`). */
export const llhttpVersion: string = process.versions.llhttp ?? 'unknown';

/** What the parser calls back into; implemented by a connection (requests) or a client (responses). */
export interface LlhttpOwner {
  /**
   * The request/status line and headers are complete. `rawHeaders` is the flat
   * `[name, value, name, value, …]` list as received. Return 0 to go on, 1 to skip the body
   * (a response to HEAD), or -1 to abort: `execute` then reports `HPE_CB_HEADERS_COMPLETE`.
   */
  onHeadersComplete(
    versionMajor: number,
    versionMinor: number,
    rawHeaders: string[],
    method: string,
    url: string,
    statusCode: number,
    statusMessage: string,
    upgrade: boolean,
    keepAlive: boolean,
  ): number;
  /** A piece of the (de-chunked) body; the buffer is the owner's to keep. */
  onBody(chunk: Buffer): void;
  /** Trailer fields of a chunked message (rare; most owners ignore them). */
  onTrailers(rawTrailers: string[]): void;
  /** The whole message has been read. */
  onMessageComplete(): void;
  /** Consume mode only: the parser executed one read from the socket (`bytes` or an error). */
  onExecute(result: number | LlhttpError): void;
}

/** An llhttp parse error as `execute` returns it. */
export interface LlhttpError {
  /** llhttp error name, e.g. `HPE_INVALID_HEADER_TOKEN`. */
  readonly code: string;
  /** llhttp's one-line explanation. */
  readonly reason: string;
  /** Offset in the executed buffer where parsing stopped. */
  readonly bytesParsed: number;
}

/**
 * Returned by `onHeadersComplete` to pause the parser right after the current message's
 * headers (llhttp's `HPE_PAUSED`): `execute` then reports `HPE_PAUSED` with the offset to
 * resume from, after {@link LlhttpParser.resume}.
 */
export const LLHTTP_PAUSE = 21;

/** Parser kind: server side parses requests, a client parses responses. */
export type LlhttpKind = 'request' | 'response';

export interface LlhttpOptions {
  /** Limit on the bytes of the start line plus headers (llhttp's own counter); 0 = Node default. */
  readonly maxHeaderSize: number;
}

// ---------------------------------------------------------------------------------------------
// The native binding. Typed here once; nothing else sees it.

interface NativeParser {
  initialize(kind: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | NativeError | undefined;
  finish(): number | NativeError | undefined;
  consume(handle: object): void;
  unconsume(): void;
  getCurrentBuffer(): Buffer;
  /** False from a message's first byte until its headers are complete (Node ≥ 18). */
  headersCompleted(): boolean;
  pause(): void;
  resume(): void;
  free(): void;
  remove(): void;
  close(): void;
  [key: number]: unknown;
  owner: LlhttpParser | null;
}

interface NativeError extends Error {
  code: string;
  reason: string;
  bytesParsed: number;
}

interface NativeParserClass {
  new (): NativeParser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kLenientNone: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const common = require('_http_common') as { HTTPParser: NativeParserClass; methods: readonly string[] };
const HTTPParser = common.HTTPParser;
/** llhttp method index → name (the binding passes the index). */
const METHODS: readonly string[] = common.methods;

const kOnHeaders = HTTPParser.kOnHeaders;
const kOnHeadersComplete = HTTPParser.kOnHeadersComplete;
const kOnBody = HTTPParser.kOnBody;
const kOnMessageComplete = HTTPParser.kOnMessageComplete;
const kOnExecute = HTTPParser.kOnExecute;

// Shared callbacks: `this` is the native parser, `owner` leads to the wrapper.
/** More than 32 header fields arrive in several flushes before headers-complete. */
function nativeOnHeaders(this: NativeParser, headers: string[], url: string): void {
  const w = this.owner;
  if (w === null) return;
  if (w.inHeaders) {
    for (let i = 0; i < headers.length; i++) w.pendingHeaders.push(headers[i]);
    w.pendingUrl += url;
  } else {
    w.owner.onTrailers(headers);
  }
}

function nativeOnHeadersComplete(
  this: NativeParser,
  versionMajor: number,
  versionMinor: number,
  headers: string[] | undefined,
  method: number | undefined,
  url: string | undefined,
  statusCode: number | undefined,
  statusMessage: string | undefined,
  upgrade: boolean,
  keepAlive: boolean,
): number {
  const w = this.owner;
  if (w === null) return -1;
  w.inHeaders = false;
  if (headers === undefined) {
    headers = w.pendingHeaders;
    w.pendingHeaders = [];
  }
  if (url === undefined) {
    url = w.pendingUrl;
    w.pendingUrl = '';
  }
  return w.owner.onHeadersComplete(
    versionMajor,
    versionMinor,
    headers,
    method === undefined ? '' : (METHODS[method] ?? ''),
    url,
    statusCode ?? 0,
    statusMessage ?? '',
    upgrade,
    keepAlive,
  );
}

function nativeOnBody(this: NativeParser, chunk: Buffer): void {
  // Node 20 copies body bytes into a fresh Buffer, so the owner may keep it.
  const w = this.owner;
  if (w !== null) w.owner.onBody(chunk);
}

function nativeOnMessageComplete(this: NativeParser): void {
  const w = this.owner;
  if (w === null) return;
  // The next header fields flushed belong to the next message.
  w.inHeaders = true;
  w.owner.onMessageComplete();
}

function nativeOnExecute(this: NativeParser, ret: number | NativeError): void {
  const w = this.owner;
  if (w === null) return;
  w.parsedAny = true;
  w.owner.onExecute(typeof ret === 'number' ? ret : toLlhttpError(ret));
}

function toLlhttpError(e: NativeError): LlhttpError {
  return { code: e.code, reason: e.reason, bytesParsed: e.bytesParsed };
}

/** Pooled native parsers (initialize() resets them), bounded like node:http's FreeList. */
const pool: NativeParser[] = [];
const POOL_MAX = 1000;

function allocNative(): NativeParser {
  const native = pool.pop() ?? new HTTPParser();
  native[kOnHeaders] = nativeOnHeaders;
  native[kOnHeadersComplete] = nativeOnHeadersComplete;
  native[kOnBody] = nativeOnBody;
  native[kOnMessageComplete] = nativeOnMessageComplete;
  native[kOnExecute] = nativeOnExecute;
  return native;
}

function closeNative(native: NativeParser): void {
  native.close();
}

/** A handle `parser.consume()` accepts: the libuv stream of a real TCP/pipe socket. */
interface StreamHandle {
  readonly isStreamBase?: boolean;
}

/**
 * One strict llhttp parser bound to an owner. Feed it with {@link execute} (buffers from
 * `'data'`), or let it read the socket's handle directly in C++ with {@link consume} — the
 * fastest path, as `node:http` does (no `'data'` events; EOF and errors still reach the socket).
 */
export class LlhttpParser {
  /** @internal */ owner: LlhttpOwner;
  /** @internal header fields flushed before headers-complete (more than 32 fields). */
  pendingHeaders: string[] = [];
  /** @internal */ pendingUrl = '';
  /** @internal header fields flushed now are a message's head (else trailers). */
  inHeaders = true;
  /** @internal some bytes were read (before that, llhttp's headers flag means nothing). */
  parsedAny = false;
  #native: NativeParser | null;
  #consumed = false;

  constructor(owner: LlhttpOwner, kind: LlhttpKind, options: LlhttpOptions) {
    this.owner = owner;
    const native = allocNative();
    // A fresh resource object per parser keeps async_hooks/AsyncLocalStorage contexts apart.
    native.initialize(
      kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE,
      {},
      options.maxHeaderSize,
      HTTPParser.kLenientNone,
    );
    native.owner = this;
    this.#native = native;
  }

  /**
   * After a read: true when the parser stopped inside a message's start line or headers (a
   * message has begun and its headers are not complete). What a message-begin callback would
   * tell, read from llhttp's state instead (see the module comment).
   */
  get inHead(): boolean {
    const native = this.#native;
    return native !== null && this.parsedAny && !native.headersCompleted();
  }

  /** True while the parser reads the socket handle itself. */
  get consumed(): boolean {
    return this.#consumed;
  }

  /** Parses `data`; returns the bytes consumed or the parse error. */
  execute(data: Buffer): number | LlhttpError {
    const native = this.#native;
    if (native === null) return 0;
    if (data.length > 0) this.parsedAny = true;
    const ret = native.execute(data);
    if (ret === undefined) return data.length;
    return typeof ret === 'number' ? ret : toLlhttpError(ret);
  }

  /** Signals EOF: completes a read-until-close body, or reports a truncated message. */
  finish(): number | LlhttpError {
    const native = this.#native;
    if (native === null) return 0;
    const ret = native.finish();
    if (ret === undefined || typeof ret === 'number') return 0;
    return toLlhttpError(ret);
  }

  /**
   * Lets the parser read `socket`'s handle directly (results arrive through `onExecute`).
   * Returns false when the socket has no stream handle (an in-process Duplex): feed `execute`.
   */
  consume(socket: Socket): boolean {
    const native = this.#native;
    const handle = (socket as Socket & { _handle?: StreamHandle | null })._handle;
    if (native === null || this.#consumed || handle == null || handle.isStreamBase !== true) return false;
    native.consume(handle);
    this.#consumed = true;
    return true;
  }

  /** Gives reads back to the socket (`'data'` events); needed to pause reading. */
  unconsume(): void {
    if (!this.#consumed || this.#native === null) return;
    this.#consumed = false;
    this.#native.unconsume();
  }

  /** Lets a parser paused with {@link LLHTTP_PAUSE} go on (call `execute` with the rest). */
  resume(): void {
    this.#native?.resume();
  }

  /** Consume mode: the buffer of the read being executed (bytes after an upgrade live there). */
  currentBuffer(): Buffer {
    return this.#native === null ? Buffer.alloc(0) : this.#native.getCurrentBuffer();
  }

  /** Releases the native parser to the pool; the wrapper is dead afterwards. Idempotent. */
  destroy(): void {
    const native = this.#native;
    if (native === null) return;
    this.#native = null;
    if (this.#consumed) {
      this.#consumed = false;
      native.unconsume();
    }
    native.owner = null;
    native.remove();
    native.free();
    // May run inside one of this parser's callbacks: the native object is still on the stack,
    // so it is only closed after the stack unwinds (node:http does the same).
    if (pool.length < POOL_MAX) pool.push(native);
    else setImmediate(closeNative, native);
  }
}

// ---------------------------------------------------------------------------------------------
// Error mapping: llhttp codes → catalog codes (each carries its HTTP status).

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

function isTchar(byte: number): boolean {
  return byte < 128 && TCHAR.test(String.fromCharCode(byte));
}

/**
 * `HPE_INVALID_METHOD` is a well-formed but unknown method (→ 501, RFC 9110 §9.1) when the
 * bytes around the error are a token followed by a space; otherwise it is garbage (→ 400).
 */
function isUnknownMethodToken(buffer: Buffer | undefined, at: number): boolean {
  if (buffer === undefined) return false;
  let start = Math.min(at, buffer.length);
  while (start > 0 && isTchar(buffer[start - 1])) start--;
  let end = start;
  while (end < buffer.length && isTchar(buffer[end])) end++;
  return end > start && end < buffer.length && buffer[end] === 0x20;
}

/**
 * Maps an llhttp error to the catalog error to answer with (its `status` is the HTTP status).
 * `buffer` is the executed input, used to tell an unknown method from garbage.
 */
export function llhttpErrorToCatalog(error: LlhttpError, buffer?: Buffer): RxPulsarError {
  let code: ErrorCode;
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return createError('RXP_ERR_HTTP_HEADERS_TOO_LARGE', 'bytes');
    case 'HPE_INVALID_METHOD':
      if (isUnknownMethodToken(buffer, error.bytesParsed)) {
        return createError('RXP_ERR_HTTP_METHOD_NOT_IMPLEMENTED', methodAt(buffer, error.bytesParsed));
      }
      code = 'RXP_ERR_HTTP_BAD_REQUEST';
      break;
    case 'HPE_INVALID_VERSION':
      // "Invalid HTTP version" is a well-formed HTTP/x.y we do not speak; other reasons are
      // malformed request lines (e.g. a bare LF after the version).
      if (error.reason === 'Invalid HTTP version') {
        return createError('RXP_ERR_HTTP_VERSION_NOT_SUPPORTED', 'HTTP/?');
      }
      code = 'RXP_ERR_HTTP_BAD_REQUEST';
      break;
    default:
      code = 'RXP_ERR_HTTP_BAD_REQUEST';
  }
  const err = createError(code, `${error.code}: ${error.reason}`);
  err.data = { llhttp: error.code };
  return err;
}

function methodAt(buffer: Buffer | undefined, at: number): string {
  if (buffer === undefined) return '?';
  let start = Math.min(at, buffer.length);
  while (start > 0 && isTchar(buffer[start - 1])) start--;
  let end = start;
  while (end < buffer.length && isTchar(buffer[end])) end++;
  return buffer.toString('latin1', start, Math.min(end, start + 32));
}

/**
 * In-process requests for unit tests (fastify's `inject`): the request bytes go through the
 * real connection state machine over an in-memory socket, and the answer is parsed back with
 * llhttp. No port, no network.
 */
import { Duplex } from 'node:stream';
import { LlhttpParser, type LlhttpError, type LlhttpOwner } from '../../lib/http/llhttp';
import type { ConnectionHandler } from '../socket/connection-handler';
import type { HttpApp } from './http-app';
import type { HttpOptions } from './http-options';
import { createHttpHandler } from './http-server';

export interface InjectOptions {
  /** @default 'GET' */
  readonly method?: string;
  /** @default '/' */
  readonly url?: string;
  /** Request headers; `Host: localhost` is added unless given. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Request body; `Content-Length` is added unless a length or `Transfer-Encoding` is given. */
  readonly body?: string | Buffer;
  /** @default '127.0.0.1' */
  readonly remoteAddress?: string;
}

export interface InjectResponse {
  readonly status: number;
  readonly statusMessage: string;
  /** Lower-case names; repeated headers (e.g. `set-cookie`) as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
  /** Every response the connection produced (pipelined raw requests give several). */
  readonly responses: readonly InjectResponse[];
  /** The bytes the server wrote. */
  readonly raw: Buffer;
}

/** An in-memory socket: what the client writes is `push`ed, what the server writes is kept. */
class InjectSocket extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort = 40000;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 80;
  readonly output: Buffer[] = [];

  constructor(remoteAddress: string) {
    super({ allowHalfOpen: true });
    this.remoteAddress = remoteAddress;
  }

  override _read(): void {
    // data is pushed by inject()
  }

  /** Called after every server write (inject ends the client side once all answers are in). */
  onOutput: () => void = () => undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.output.push(chunk);
    callback();
    this.onOutput();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.output.push(chunk);
    callback();
    this.onOutput();
  }

  setNoDelay(): this {
    return this;
  }
}

interface ParsedResponse {
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  chunks: Buffer[];
}

class ResponseCollector implements LlhttpOwner {
  readonly responses: ParsedResponse[] = [];
  #current: ParsedResponse | null = null;
  readonly #headMethods: boolean[];

  constructor(headMethods: boolean[]) {
    this.#headMethods = headMethods;
  }

  onHeadersComplete(_major: number, _minor: number, rawHeaders: string[], _method: string, _url: string, statusCode: number, statusMessage: string): number {
    this.#current = { status: statusCode, statusMessage, rawHeaders, chunks: [] };
    if (statusCode === 100) return 0;
    // Responses to HEAD have no body whatever their headers say.
    return this.#headMethods[this.responses.length] === true ? 1 : 0;
  }

  onBody(chunk: Buffer): void {
    this.#current?.chunks.push(chunk);
  }

  onTrailers(): void {
    // not needed
  }

  onMessageComplete(): void {
    const current = this.#current;
    this.#current = null;
    if (current !== null && current.status !== 100) this.responses.push(current);
  }

  onExecute(_result: number | LlhttpError): void {
    // execute() is called directly
  }
}

function buildRequest(options: InjectOptions): { raw: Buffer; head: boolean } {
  const method = options.method ?? 'GET';
  let text = `${method} ${options.url ?? '/'} HTTP/1.1\r\n`;
  const headers = options.headers ?? {};
  const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  if (!lower.has('host')) text += 'Host: localhost\r\n';
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? (value as readonly string[]) : [value as string]) text += `${name}: ${one}\r\n`;
  }
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  if (options.body !== undefined && !lower.has('content-length') && !lower.has('transfer-encoding')) {
    text += `Content-Length: ${body.length}\r\n`;
  }
  return { raw: Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), body]), head: method === 'HEAD' };
}

function headMethodsOf(raw: Buffer): boolean[] {
  // Good enough for tests: every request line that starts with "HEAD ".
  const text = raw.toString('latin1');
  const methods: boolean[] = [];
  for (const match of text.matchAll(/(?:^|\r\n\r\n|\r\n)([A-Z]+) \S+ HTTP\/\d\.\d\r\n/g)) methods.push(match[1] === 'HEAD');
  return methods;
}

/**
 * Parses the bytes a server wrote into responses (`heads[i]`: the i-th request was HEAD), for
 * tests that talk to a real socket byte for byte.
 */
export function parseResponses(raw: Buffer, heads: readonly boolean[] = []): { responses: InjectResponse[]; error: LlhttpError | undefined } {
  const collector = new ResponseCollector([...heads]);
  const parser = new LlhttpParser(collector, 'response', { maxHeaderSize: 0 });
  const result = parser.execute(raw);
  const finished = parser.finish();
  parser.destroy();
  const all: InjectResponse[] = [];
  for (const parsed of collector.responses) all.push(toResponse(parsed, all, raw));
  return { responses: all, error: typeof result !== 'number' ? result : typeof finished !== 'number' ? finished : undefined };
}

function toResponse(parsed: ParsedResponse, all: InjectResponse[], raw: Buffer): InjectResponse {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < parsed.rawHeaders.length; i += 2) {
    const name = parsed.rawHeaders[i].toLowerCase();
    const value = parsed.rawHeaders[i + 1];
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else headers[name] = [previous, value];
  }
  const body = Buffer.concat(parsed.chunks);
  return {
    status: parsed.status,
    statusMessage: parsed.statusMessage,
    headers,
    rawHeaders: parsed.rawHeaders,
    body,
    text: body.toString('utf8'),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
    responses: all,
    raw,
  };
}

function isHandler(target: HttpApp | ConnectionHandler): target is ConnectionHandler {
  return typeof (target as ConnectionHandler).handle === 'function';
}

/**
 * Sends one request (or raw bytes: several pipelined requests, malformed input…) through the
 * server and resolves with the first response once the server has closed the connection.
 *
 * ## Example
 * ```ts
 * import { inject, reactive } from 'rxpulsar/apps/wsgi';
 * const res = await inject(reactive(() => 'hi'), { url: '/x' });
 * expect(res.status).toBe(200);
 * ```
 * @param target an app (served with default options) or a handler from `createHttpHandler`
 * @param request options, a path (`'/items?x=1'`: a GET), or the raw request bytes
 */
export function inject(target: HttpApp | ConnectionHandler, request: InjectOptions | string | Buffer, options: HttpOptions = {}): Promise<InjectResponse> {
  const handler = isHandler(target) ? target : createHttpHandler(target, options);
  let raw: Buffer;
  let heads: boolean[];
  if (typeof request === 'string' && request.startsWith('/')) request = { url: request };
  if (typeof request === 'string' || Buffer.isBuffer(request)) {
    raw = Buffer.isBuffer(request) ? request : Buffer.from(request, 'latin1');
    heads = headMethodsOf(raw);
  } else {
    const built = buildRequest(request);
    raw = built.raw;
    heads = [built.head];
  }
  const remoteAddress = typeof request === 'object' && !Buffer.isBuffer(request) ? (request.remoteAddress ?? '127.0.0.1') : '127.0.0.1';
  const socket = new InjectSocket(remoteAddress);
  return new Promise<InjectResponse>((resolve, reject) => {
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      const output = Buffer.concat(socket.output);
      const { responses: all, error } = parseResponses(output, heads);
      if (error !== undefined && all.length === 0) {
        reject(new Error(`inject: unparsable response (${error.code}): ${output.toString('latin1').slice(0, 200)}`));
        return;
      }
      if (all.length === 0) {
        reject(new Error(`inject: the server closed without a response: ${JSON.stringify(output.toString('latin1'))}`));
        return;
      }
      resolve(all[0]);
    };
    socket.once('finish', done);
    socket.once('close', () => {
      if (!socket.writableFinished) done();
    });
    // The client half-closes only once every request got its answer (a FIN earlier would
    // abort the pending ones, as for a real client).
    const expected = Math.max(1, heads.length);
    let ended = false;
    socket.onOutput = () => {
      if (ended || parseResponses(Buffer.concat(socket.output), heads).responses.length < expected) return;
      ended = true;
      setImmediate(() => socket.push(null));
    };
    handler.handle(socket as unknown as import('node:net').Socket);
    socket.push(raw);
  });
}

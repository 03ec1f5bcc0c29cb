/**
 * `compress()`: gzip/deflate of response bodies the client accepts (`Accept-Encoding`), with
 * `node:zlib` (pulsar's `GZipMiddleware`, extended to streamed bodies and deflate).
 */
import { from, mergeMap, type MonoTypeOperatorFunction, type ObservableInput } from 'rxjs';
import { isObservable, type Observable } from 'rxjs';
import { pipeline as pipeStreams, Readable, type Transform } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { preferredEncoding } from './headers';
import { isBodyChunk, type BodyChunk, type HttpResponse } from './http-response';
import { isCompressible } from './mime-types';

export interface CompressOptions {
  /** Codings offered, in server preference order. @default ['gzip', 'deflate'] */
  readonly encodings?: ReadonlyArray<'gzip' | 'deflate'>;
  /** zlib compression level (1–9). @default 6 */
  readonly level?: number;
  /** Complete bodies smaller than this many bytes are sent as they are. @default 1024 */
  readonly threshold?: number;
}

/** Complete bodies up to this size are compressed synchronously (microseconds); larger ones off-thread. */
const SYNC_LIMIT = 64 * 1024;

const gzipAsync = promisify(zlib.gzip);
const deflateAsync = promisify(zlib.deflate);

function observableToReadable(body$: Observable<BodyChunk>): Readable {
  const readable = new Readable({
    read: () => undefined,
    destroy: (error, callback) => {
      subscription.unsubscribe();
      callback(error);
    },
  });
  const subscription = body$.subscribe({
    next: (chunk) => readable.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
    error: (error: Error) => readable.destroy(error),
    complete: () => readable.push(null),
  });
  return readable;
}

function toReadable(body: NonNullable<HttpResponse['body']>): Readable {
  if (isObservable(body)) return observableToReadable(body as Observable<BodyChunk>);
  if (body instanceof Readable) return body;
  return Readable.from(body as AsyncIterable<BodyChunk>);
}

function compressOne(response: HttpResponse, encodings: ReadonlyArray<'gzip' | 'deflate'>, level: number, threshold: number): HttpResponse | Promise<HttpResponse> {
  const status = response.status;
  if (status < 200 || status === 204 || status === 206 || status === 304 || status >= 300) return response;
  if (!isCompressible(response.header('content-type'))) return response;
  const vary = response.header('vary');
  if (vary === undefined || !/accept-encoding|\*/i.test(vary)) response.appendHeader('vary', 'Accept-Encoding');
  if (response.header('content-encoding') !== undefined) return response;
  const request = response.request;
  if (request === undefined || request.method === 'HEAD') return response;
  const coding = preferredEncoding(request.header('accept-encoding'), encodings) as 'gzip' | 'deflate' | undefined;
  if (coding === undefined) return response;
  const body = response.body;
  if (body === null || body === undefined) return response;
  const finish = (compressed: HttpResponse['body']): HttpResponse => {
    response.body = compressed;
    response.setHeader('content-encoding', coding);
    response.removeHeader('content-length');
    return response;
  };
  if (isBodyChunk(body)) {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (bytes.byteLength < threshold) return response;
    if (bytes.byteLength <= SYNC_LIMIT) return finish(coding === 'gzip' ? zlib.gzipSync(bytes, { level }) : zlib.deflateSync(bytes, { level }));
    return (coding === 'gzip' ? gzipAsync(bytes, { level }) : deflateAsync(bytes, { level })).then(finish);
  }
  const encoder: Transform = coding === 'gzip' ? zlib.createGzip({ level }) : zlib.createDeflate({ level });
  // pipeline() destroys the source when the encoder is destroyed (client gone) and vice versa.
  pipeStreams(toReadable(body), encoder, () => undefined);
  return finish(encoder);
}

/**
 * Compresses each response when its request accepts gzip/deflate, its type is compressible
 * (text, JSON, JS, XML, SVG) and it is a 2xx; adds `Vary: Accept-Encoding`. Streamed bodies
 * are compressed as they stream.
 *
 * ```
 * response$:  --R(text, 10 kB)--|
 * compress(): --R(gzip, 2 kB)---|
 * ```
 *
 * ## Example
 * ```ts
 * import { compress, handle } from 'rxpulsar/operators';
 * request$.pipe(handle(page), compress({ threshold: 512 }));
 * ```
 */
export function compress(options: CompressOptions = {}): MonoTypeOperatorFunction<HttpResponse> {
  const encodings = options.encodings ?? ['gzip', 'deflate'];
  const level = options.level ?? 6;
  const threshold = options.threshold ?? 1024;
  return mergeMap((response: HttpResponse): ObservableInput<HttpResponse> => {
    const result = compressOne(response, encodings, level, threshold);
    return result instanceof Promise ? from(result) : [result];
  });
}

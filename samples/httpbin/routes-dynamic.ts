/**
 * Dynamic data: `/uuid`, `/bytes/<n>`, `/stream-bytes/<n>`, `/stream/<n>`, `/range/<n>`,
 * `/delay/<s>`, `/drip`, `/links/<n>/<offset>`. Streamed bodies are Observables emitted
 * asynchronously, so the server sends them as they come (chunked, or with the declared
 * `Content-Length`); the client going away unsubscribes them, which stops timers at once.
 */
import { randomUUID } from 'node:crypto';
import { asapScheduler, map, mergeMap, scheduled, take, timer, type Observable } from 'rxjs';
import { firstValue, HttpResponse, httpError, parseQuery, router, type HttpRequest, type OutgoingHeaders, type Router } from 'rxpulsar/operators';
import type { HttpbinContext } from './context';
import { randomBytes, seededRandom } from '../web/prng';
import { BODY_FIELDS, fullUrl, headersDict, origin, requestDict } from './request-dict';
import { escapeHtml, intParam, numberParam, prettyJson } from './respond';
import { allMethods } from './routes-request';

/** httpbin's limit on generated payloads. */
const MAX_BYTES = 100 * 1024;
const MAX_DRIP_BYTES = 10 * 1024 * 1024;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
/** `/drip` sends at most one chunk per this many ms (10 MB over 2 s is not 10 M timers). */
const DRIP_TICK_MS = 10;

function bytesFor(request: HttpRequest, n: number, ctx: HttpbinContext): Buffer {
  const seed = firstValue(request.query, 'seed');
  return randomBytes(n, seed === undefined ? ctx.random : seededRandom(intParam(seed, 'seed', 0)));
}

/** `data` cut into `size`-byte chunks, emitted asynchronously one by one. */
function chunked(data: Buffer, size: number): Observable<Buffer> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return scheduled(chunks, asapScheduler);
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (first range only, as httpbin) → [start, end] inclusive. */
export function parseRange(header: string | undefined, length: number): [number, number] | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*(?:,|$)/i.exec(header);
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, length - Number(match[2]));
    end = length - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1);
  }
  return start > end || start >= length ? 'invalid' : [start, end];
}

function rangeResponse(request: HttpRequest, ctx: HttpbinContext): HttpResponse {
  const n = Number(request.params.n);
  if (n <= 0 || n > MAX_BYTES) throw httpError(404, `number of bytes must be in the range (0, ${MAX_BYTES}]`);
  const chunkSize = Math.max(1, intParam(request.query.chunk_size, 'chunk_size', 10 * 1024));
  const duration = Math.min(Math.max(0, numberParam(request.query.duration, 'duration', 0)), ctx.maxDelay);
  const headers = { etag: `"range${n}"`, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
  const range = parseRange(request.header('range'), n);
  if (range === 'invalid') return new HttpResponse(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${n}` } });
  const [start, end] = range ?? [0, n - 1];
  const length = end - start + 1;
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = ALPHABET.charCodeAt((start + i) % 26);
  const chunks = Math.ceil(length / chunkSize);
  // With a duration the chunks are spread over it (httpbin sleeps between them).
  const body$ =
    duration > 0
      ? timer(0, (duration * 1000) / chunks, ctx.scheduler).pipe(
          take(chunks),
          map((i) => data.subarray(i * chunkSize, (i + 1) * chunkSize)),
        )
      : chunked(data, chunkSize);
  const out: OutgoingHeaders = { ...headers, 'content-length': length };
  if (range !== undefined) out['content-range'] = `bytes ${start}-${end}/${n}`;
  return new HttpResponse(body$, { status: range === undefined ? 200 : 206, headers: out });
}

function dripResponse(request: HttpRequest, ctx: HttpbinContext): Observable<HttpResponse> {
  const q = request.query;
  const numbytes = intParam(q.numbytes, 'numbytes', 10);
  if (numbytes <= 0 || numbytes > MAX_DRIP_BYTES) throw httpError(400, `number of bytes must be in the range (0, ${MAX_DRIP_BYTES}]`);
  const code = intParam(q.code, 'code', 200);
  if (code < 200 || code > 599) throw httpError(400, `Invalid status code ${code}`);
  // delay + duration never exceed maxDelay: the cap of /delay applies to /drip too.
  const delay = Math.min(Math.max(0, numberParam(q.delay, 'delay', 0)), ctx.maxDelay);
  const duration = Math.min(Math.max(0, numberParam(q.duration, 'duration', 2)), ctx.maxDelay - delay);
  const ticks = Math.max(1, Math.min(numbytes, Math.floor((duration * 1000) / DRIP_TICK_MS)));
  // A chunk every duration/ticks ms from the start, as httpbin writes a byte then sleeps.
  const period = (duration * 1000) / ticks;
  const body$ = timer(0, period, ctx.scheduler).pipe(
    take(ticks),
    map((i) => '*'.repeat(Math.floor(((i + 1) * numbytes) / ticks) - Math.floor((i * numbytes) / ticks))),
  );
  const headers = { 'content-type': 'application/octet-stream', 'content-length': numbytes };
  return timer(delay * 1000, ctx.scheduler).pipe(map(() => new HttpResponse(body$, { status: code, headers })));
}

function streamLines(request: HttpRequest, n: number): Observable<string> {
  const base = { url: fullUrl(request), args: parseQuery(request.queryString), headers: headersDict(request), origin: origin(request) };
  const lines: string[] = [];
  for (let id = 0; id < n; id++) lines.push(`${JSON.stringify({ ...base, id })}\n`);
  return scheduled(lines, asapScheduler);
}

function linksPage(ctx: HttpbinContext, n: number, offset: number): string {
  let body = '';
  for (let i = 0; i < n; i++) body += i === offset ? `${i} ` : `<a href='${escapeHtml(ctx.link(`/links/${n}/${i}`))}'>${i}</a> `;
  return `<html><head><title>Links</title></head><body>${body}</body></html>`;
}

export function dynamicRoutes(ctx: HttpbinContext): Router[] {
  const delay = (request: HttpRequest): Observable<HttpResponse> => {
    const seconds = Number(request.params.delay);
    if (!Number.isFinite(seconds) || seconds < 0) throw httpError(400, `Invalid delay "${String(request.params.delay)}"`);
    // A timer on the injected clock: unsubscribed (cleared) as soon as the client goes away.
    return timer(Math.min(seconds, ctx.maxDelay) * 1000, ctx.scheduler).pipe(mergeMap(async () => prettyJson(await requestDict(request, BODY_FIELDS))));
  };
  return [
    router('uuid', { get: () => prettyJson({ uuid: randomUUID() }) }),
    router('bytes/<int:n>', {
      get: (request) => new HttpResponse(bytesFor(request, Math.min(Number(request.params.n), MAX_BYTES), ctx), { headers: { 'content-type': 'application/octet-stream' } }),
    }),
    router('stream-bytes/<int:n>', {
      get: (request) => {
        const data = bytesFor(request, Math.min(Number(request.params.n), MAX_BYTES), ctx);
        const size = Math.max(1, intParam(request.query.chunk_size, 'chunk_size', 10 * 1024));
        return new HttpResponse(chunked(data, size), { headers: { 'content-type': 'application/octet-stream' } });
      },
    }),
    router('stream/<int:n>', {
      get: (request) => new HttpResponse(streamLines(request, Math.min(Number(request.params.n), 100)), { headers: { 'content-type': 'application/json' } }),
    }),
    router('range/<int:n>', { get: (request) => rangeResponse(request, ctx) }),
    router('delay/<delay>', allMethods(delay)),
    router('drip', { get: (request) => dripResponse(request, ctx) }),
    router('links/<int(max=200):n>', { get: (request) => HttpResponse.redirect(ctx.link(`/links/${Number(request.params.n)}/0`)) }),
    router('links/<int(max=200):n>/<int:offset>', { get: (request) => HttpResponse.html(linksPage(ctx, Number(request.params.n), Number(request.params.offset))) }),
  ];
}

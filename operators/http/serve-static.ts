/**
 * Static files (pulsar's `MediaRouter`, with what it lacked): ETag and Last-Modified with 304,
 * single byte ranges (206/416), content types, Cache-Control, and no way out of the root
 * (`..`, encoded or not, NUL bytes, symlinks pointing outside).
 */
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { createError } from '../../lib/errors';
import type { OutgoingHeaders } from './headers';
import type { HttpRequest } from './http-request';
import { HttpResponse } from './http-response';
import { contentTypeFor } from './mime-types';

export interface ServeStaticOptions {
  /** Files tried for a directory. @default ['index.html'] */
  readonly index?: readonly string[];
  /** `Cache-Control: public, max-age=N` (seconds); 0 sends `no-cache`. @default 0 */
  readonly maxAge?: number;
  /** The route parameter holding the file path (`<path:p>` → `'p'`); else the whole request path. @default 'path' */
  readonly param?: string;
  /** Serve dot-files (`.env`, `.git/…`). @default false */
  readonly dotfiles?: boolean;
}

/** Files up to this size are read in one go; bigger ones stream. */
const READ_WHOLE_LIMIT = 64 * 1024;

function etagOf(stats: Stats): string {
  return `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
}

function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  // Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

function notModified(request: HttpRequest, etag: string, mtime: number): boolean {
  const ifNoneMatch = request.header('if-none-match');
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, etag);
  const ifModifiedSince = request.header('if-modified-since');
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince.split(';')[0]);
  return Number.isFinite(since) && Math.floor(mtime / 1000) * 1000 <= since;
}

/** A single `bytes=` range: [start, end] inclusive, 'unsatisfiable', or undefined (ignore it). */
function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined; // several ranges or another unit: serve the whole file
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return [start, end];
}

async function findFile(root: string, realRoot: string, segments: string[], index: readonly string[]): Promise<{ file: string; stats: Stats }> {
  let file = join(root, ...segments);
  let stats: Stats;
  try {
    stats = await fs.stat(file);
    if (stats.isDirectory()) {
      let found: { file: string; stats: Stats } | undefined;
      for (const name of index) {
        try {
          const candidate = join(file, name);
          const s = await fs.stat(candidate);
          if (s.isFile()) {
            found = { file: candidate, stats: s };
            break;
          }
        } catch {
          // next index name
        }
      }
      if (found === undefined) throw createError('RXP_ERR_HTTP_FORBIDDEN', 'directory listing');
      ({ file, stats } = found);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') throw createError('RXP_ERR_HTTP_NOT_FOUND', `/${segments.join('/')}`);
    throw error;
  }
  if (!stats.isFile()) throw createError('RXP_ERR_HTTP_NOT_FOUND', `/${segments.join('/')}`);
  // Symlinks may point anywhere: the real path must still be inside the real root.
  const real = await fs.realpath(file);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw createError('RXP_ERR_HTTP_FORBIDDEN', 'outside the served directory');
  return { file, stats };
}

/**
 * A handler serving files under `root`; mount it on a route with a `<path:…>` variable.
 *
 * ## Example
 * ```ts
 * import { router, serveStatic } from 'rxpulsar/operators';
 * const media = router('media/<path:path>', { get: serveStatic('./public', { maxAge: 3600 }) });
 * ```
 */
export function serveStatic(root: string, options: ServeStaticOptions = {}): (request: HttpRequest) => Promise<HttpResponse> {
  const base = resolve(root);
  const index = options.index ?? ['index.html'];
  const param = options.param ?? 'path';
  const cacheControl = options.maxAge !== undefined && options.maxAge > 0 ? `public, max-age=${Math.floor(options.maxAge)}` : 'no-cache';
  let realRoot: Promise<string> | undefined;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const error = createError('RXP_ERR_HTTP_METHOD_NOT_ALLOWED', request.method, request.path);
      error.data = { headers: { allow: 'GET, HEAD' } };
      throw error;
    }
    const value = request.params[param];
    const relative = typeof value === 'string' ? value : request.path;
    // The path is already %-decoded: `%2e%2e` arrives here as `..` and is refused like it.
    const segments = relative.split(/[/\\]/).filter((s) => s !== '' && s !== '.');
    if (relative.includes('\0') || segments.some((s) => s === '..')) throw createError('RXP_ERR_HTTP_FORBIDDEN', 'path traversal');
    if (options.dotfiles !== true && segments.some((s) => s.startsWith('.'))) throw createError('RXP_ERR_HTTP_FORBIDDEN', 'dot-file');
    realRoot ??= fs.realpath(base);
    const { file, stats } = await findFile(base, await realRoot, segments, index);

    const etag = etagOf(stats);
    const headers: OutgoingHeaders = {
      'content-type': contentTypeFor(file),
      etag,
      'last-modified': stats.mtime.toUTCString(),
      'accept-ranges': 'bytes',
      'cache-control': cacheControl,
    };
    if (notModified(request, etag, stats.mtimeMs)) return new HttpResponse(null, { status: 304, headers: { etag, 'last-modified': headers['last-modified'], 'cache-control': cacheControl } });

    const size = stats.size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const rangeHeader = request.header('range');
    const ifRange = request.header('if-range');
    const rangeApplies = rangeHeader !== undefined && (ifRange === undefined || ifRange.trim() === etag || ifRange.trim() === headers['last-modified']);
    if (rangeApplies) {
      const range = parseRange(rangeHeader, size);
      if (range === 'unsatisfiable') {
        const error = createError('RXP_ERR_HTTP_RANGE_NOT_SATISFIABLE', rangeHeader, size);
        error.data = { headers: { 'content-range': `bytes */${size}` } };
        throw error;
      }
      if (range !== undefined) {
        [start, end] = range;
        status = 206;
        headers['content-range'] = `bytes ${start}-${end}/${size}`;
      }
    }
    const length = size === 0 ? 0 : end - start + 1;
    headers['content-length'] = String(length);
    if (request.method === 'HEAD' || length === 0) return new HttpResponse(null, { status, headers });
    if (length <= READ_WHOLE_LIMIT) {
      const handle = await fs.open(file, 'r');
      try {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, start);
        if (bytesRead !== length) throw createError('RXP_ERR_HTTP_NOT_FOUND', request.path); // truncated under us
        return new HttpResponse(buffer, { status, headers });
      } finally {
        await handle.close();
      }
    }
    return new HttpResponse(createReadStream(file, { start, end }), { status, headers });
  };
}

/**
 * Caching and response headers: `/cache`, `/cache/<n>`, `/etag/<etag>`, `/response-headers`.
 */
import { randomUUID } from 'node:crypto';
import { HttpResponse, httpError, isToken, isValidHeaderValue, router, type HttpRequest, type OutgoingHeaders, type Router } from 'rxpulsar/operators';
import { GET_FIELDS, requestDict } from './request-dict';
import { prettyJson } from './respond';

/** The entity tags of an `If-None-Match` / `If-Match` list, without `W/` and quotes. */
export function entityTags(header: string): string[] {
  return header.split(',').map((tag) =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  );
}

/** Headers a handler may not set from the query: they frame the message or the connection. */
const FORBIDDEN = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

function responseHeaders(request: HttpRequest): HttpResponse {
  const headers: OutgoingHeaders = { 'Content-Type': 'application/json' };
  for (const [name, value] of Object.entries(request.query)) {
    const values = typeof value === 'string' ? [value] : value;
    if (!isToken(name) || FORBIDDEN.has(name.toLowerCase()) || !values.every(isValidHeaderValue)) throw httpError(400, `Header "${name}" cannot be set`);
    headers[name] = values.length === 1 ? values[0] : values;
  }
  // The body lists the response headers, Content-Length included, which depends on the
  // body: iterate until it stops changing (httpbin does the same).
  let body = '';
  for (let length = -1; ; ) {
    body = `${JSON.stringify({ ...headers, 'Content-Length': String(length) }, null, 2)}\n`;
    const actual = Buffer.byteLength(body);
    if (actual === length) break;
    length = actual;
  }
  return new HttpResponse(body, { headers });
}

export function cacheRoutes(): Router[] {
  const get = async (request: HttpRequest, headers: OutgoingHeaders): Promise<HttpResponse> => prettyJson(await requestDict(request, GET_FIELDS), 200, headers);
  return [
    router('cache', {
      get: (request) => {
        if (request.header('if-modified-since') !== undefined || request.header('if-none-match') !== undefined) return HttpResponse.empty(304);
        return get(request, { 'last-modified': new Date().toUTCString(), etag: `"${randomUUID().replace(/-/g, '')}"` });
      },
    }),
    router('cache/<int:n>', { get: (request) => get(request, { 'cache-control': `public, max-age=${Number(request.params.n)}` }) }),
    router('etag/<etag>', {
      get: (request) => {
        const etag = String(request.params.etag);
        // The tag comes from a %-decoded path: no quotes or control characters in a header.
        if (etag.includes('"') || !isValidHeaderValue(etag)) throw httpError(400, 'Invalid entity tag');
        const tag = `"${etag}"`;
        const ifNoneMatch = request.header('if-none-match');
        const ifMatch = request.header('if-match');
        if (ifNoneMatch !== undefined) {
          const tags = entityTags(ifNoneMatch);
          if (tags.includes(etag) || tags.includes('*')) return HttpResponse.empty(304, { etag: tag });
        } else if (ifMatch !== undefined) {
          const tags = entityTags(ifMatch);
          if (!tags.includes(etag) && !tags.includes('*')) return HttpResponse.empty(412);
        }
        return get(request, { etag: tag });
      },
    }),
    router('response-headers', { get: responseHeaders, post: responseHeaders }),
  ];
}

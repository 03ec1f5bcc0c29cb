/**
 * Content and transfer encodings: `/gzip`, `/deflate`, `/brotli` (always encoded, whatever the
 * client accepts — that is what they are for), `/base64/<value>`, `/encoding/utf8`.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { HttpResponse, router, type HttpRequest, type Router } from 'rxpulsar/operators';
import { UTF8_DEMO } from './content';
import { headersDict, origin } from './request-dict';

function encoded(request: HttpRequest, flag: string, coding: string, encode: (data: Buffer) => Buffer): HttpResponse {
  const json = `${JSON.stringify({ [flag]: true, headers: headersDict(request), method: request.method, origin: origin(request) }, null, 2)}\n`;
  return new HttpResponse(encode(Buffer.from(json)), { headers: { 'content-type': 'application/json', 'content-encoding': coding } });
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function encodingRoutes(): Router[] {
  return [
    router('gzip', { get: (request) => encoded(request, 'gzipped', 'gzip', (b) => gzipSync(b)) }),
    router('deflate', { get: (request) => encoded(request, 'deflated', 'deflate', (b) => deflateSync(b)) }),
    router('brotli', { get: (request) => encoded(request, 'brotli', 'br', (b) => brotliCompressSync(b)) }),
    router('base64/<value>', {
      get: (request) => {
        const value = String(request.params.value);
        // Buffer.from never throws on bad base64: check the alphabet first (httpbin answers 200
        // with a hint, so do we).
        if (!BASE64.test(value)) return HttpResponse.html('Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l');
        return HttpResponse.html(Buffer.from(value, 'base64url').toString('utf8'));
      },
    }),
    router('encoding/utf8', { get: () => HttpResponse.html(UTF8_DEMO) }),
  ];
}

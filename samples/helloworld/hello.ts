import type { StartResponse, WsgiEnviron } from 'rxpulsar/apps/wsgi';

/** Pulsar HTTP "Hello World!" application. */
export function hello(environ: WsgiEnviron, start_response: StartResponse): Buffer[] {
  const data = Buffer.from('Hello World!\n');
  const status = '200 OK';
  const response_headers: Array<[string, string]> = [
    ['Content-type', 'text/plain'],
    ['Content-Length', String(data.length)],
  ];
  start_response(status, response_headers);
  return [data];
}

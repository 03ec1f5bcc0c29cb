/**
 * HTTP methods and request inspection: `/get`, `/post`, `/put`, `/patch`, `/delete`,
 * `/anything(/…)`, `/headers`, `/ip`, `/user-agent`.
 */
import { router, type HttpHandler, type HttpRequest, type Router } from 'rxpulsar/operators';
import { ANYTHING_FIELDS, BODY_FIELDS, GET_FIELDS, headersDict, origin, requestDict, type DictField } from './request-dict';
import { prettyJson } from './respond';

function echo(fields: readonly DictField[]): HttpHandler {
  return async (request: HttpRequest) => prettyJson(await requestDict(request, fields));
}

/** Every method the engine serves by default (HEAD falls back to GET, OPTIONS is answered). */
export function allMethods(handler: HttpHandler): Record<string, HttpHandler> {
  return { get: handler, post: handler, put: handler, patch: handler, delete: handler };
}

export function requestRoutes(): Router[] {
  const anything = echo(ANYTHING_FIELDS);
  return [
    router('get', { get: echo(GET_FIELDS) }),
    router('post', { post: echo(BODY_FIELDS) }),
    router('put', { put: echo(BODY_FIELDS) }),
    router('patch', { patch: echo(BODY_FIELDS) }),
    router('delete', { delete: echo(BODY_FIELDS) }),
    router('anything', allMethods(anything)),
    router('anything/<path:anything>', allMethods(anything)),
    router('headers', { get: (request) => prettyJson({ headers: headersDict(request) }) }),
    router('ip', { get: (request) => prettyJson({ origin: origin(request) }) }),
    router('user-agent', { get: (request) => prettyJson({ 'user-agent': request.header('user-agent') ?? null }) }),
  ];
}

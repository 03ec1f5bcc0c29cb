/**
 * `rxpulsar/operators`: the operators and wrappers HTTP handlers are composed of.
 */

/* HTTP: request and response */
export { HttpRequest } from './http/http-request';
export type { ConnectionInfo, RequestContext, RouteParams } from './http/http-request';
export { EMPTY_BODY, RequestBody } from './http/request-body';
export type { BodyFlowControl } from './http/request-body';
export { HttpResponse } from './http/http-response';
export type { BodyChunk, HttpResponseLike, ResponseBody, ResponseInit } from './http/http-response';
export { findHeader, headersToRecord, isToken, isValidHeaderValue, mediaType, mediaTypeParam, preferredEncoding, preferredType, rawHeader } from './http/headers';
export type { HeaderMap, OutgoingHeaders } from './http/headers';
export { parseCookies, serializeCookie } from './http/cookies';
export type { CookieOptions } from './http/cookies';
export { firstValue, parseQuery } from './http/query';
export type { MultiValueRecord } from './http/query';
export { parseMultipart } from './http/multipart';
export type { FormData, MultipartFile, MultipartLimits } from './http/multipart';

/* HTTP: errors */
export { headersOf, httpError, statusOf } from './http/http-error';
export type { HttpErrorData } from './http/http-error';
export { errorResponse } from './http/error-page';
export type { ErrorPageOptions } from './http/error-page';

/* HTTP: handlers and routing */
export { handle } from './http/handle';
export { route } from './http/route';
export { Router, router } from './http/router';
export type { RouteMatch, RouteMethods } from './http/router';
export { buildPath, compileRule, joinRules, matchRule } from './http/route-rule';
export type { CompiledRule } from './http/route-rule';
export { requestOfError, runHandler, toHttpResponse } from './http/result';
export type { HttpHandler, HttpResult } from './http/result';

/* HTTP: middleware */
export { cleanPath } from './http/clean-path';
export { compress } from './http/compress';
export type { CompressOptions } from './http/compress';
export { cors } from './http/cors';
export type { CorsOptions } from './http/cors';
export { recover } from './http/recover';
export type { ErrorRenderer } from './http/recover';
export { serveStatic } from './http/serve-static';
export type { ServeStaticOptions } from './http/serve-static';
export { contentTypeFor, isCompressible } from './http/mime-types';

/* Supervision policies (also exported by `rxpulsar`) */
export { heartbeatTimeout } from '../lib/supervision/heartbeat-timeout';
export { restartPolicy } from '../lib/supervision/restart-policy';
export type { RestartDecision, RestartPolicyOptions } from '../lib/supervision/restart-policy';

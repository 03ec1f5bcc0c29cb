/**
 * Cookies: `/cookies`, `/cookies/set?name=value`, `/cookies/set/<name>/<value>`,
 * `/cookies/delete?name`. Every `Set-Cookie` is sent (pulsar kept only the last one).
 */
import { HttpResponse, httpError, isToken, router, type HttpRequest, type Router } from 'rxpulsar/operators';
import type { HttpbinContext } from './context';
import { prettyJson } from './respond';

function checkName(name: string): string {
  if (!isToken(name)) throw httpError(400, `Invalid cookie name "${name}"`);
  return name;
}

export function cookieRoutes(ctx: HttpbinContext): Router[] {
  // Scoped to the mount point: under the showcase, httpbin's cookies stay httpbin's.
  const path = ctx.prefix === '' ? '/' : ctx.prefix;
  const back = (): HttpResponse => HttpResponse.redirect(ctx.link('/cookies'));
  const setAll = (request: HttpRequest): HttpResponse => {
    const response = back();
    for (const [name, value] of Object.entries(request.query)) {
      response.setCookie(checkName(name), typeof value === 'string' ? value : value[0], { path });
    }
    return response;
  };
  return [
    router('cookies', { get: (request) => prettyJson({ cookies: { ...request.cookies } }) }),
    router('cookies/set', { get: setAll }),
    router('cookies/set/<name>/<value>', {
      get: (request) => back().setCookie(checkName(String(request.params.name)), String(request.params.value), { path }),
    }),
    router('cookies/delete', {
      get: (request) => {
        const response = back();
        for (const name of Object.keys(request.query)) response.deleteCookie(checkName(name), { path });
        return response;
      },
    }),
  ];
}

/**
 * Status codes and redirects: `/status/<codes>`, `/redirect/<n>`, `/relative-redirect/<n>`,
 * `/absolute-redirect/<n>`, `/redirect-to?url=`.
 */
import { firstValue, HttpResponse, httpError, router, type HttpRequest, type Router } from 'rxpulsar/operators';
import { TEAPOT } from './content';
import type { HttpbinContext } from './context';
import { prettyJson } from './respond';
import { allMethods } from './routes-request';

interface Choice {
  readonly code: number;
  readonly weight: number;
}

/** `"200,404:0.5"` → codes with weights (1 when not given); anything malformed is a 400. */
export function parseCodes(text: string): Choice[] {
  const choices = text.split(',').map((part) => {
    const [codeText, weightText] = part.split(':');
    const code = Number(codeText);
    const weight = weightText === undefined ? 1 : Number(weightText);
    // 1xx are not final responses: a client would wait for the real one.
    if (!Number.isInteger(code) || code < 200 || code > 599 || !(weight >= 0) || !Number.isFinite(weight)) {
      throw httpError(400, `Invalid status code "${part}"`);
    }
    return { code, weight };
  });
  if (choices.reduce((sum, c) => sum + c.weight, 0) <= 0) throw httpError(400, 'Status code weights add up to 0');
  return choices;
}

/** A weighted random pick. */
export function pick(choices: readonly Choice[], random: () => number): number {
  const total = choices.reduce((sum, c) => sum + c.weight, 0);
  let roll = random() * total;
  for (const choice of choices) {
    roll -= choice.weight;
    if (roll < 0) return choice.code;
  }
  return choices[choices.length - 1].code;
}

/** The response httpbin gives for a status code (most have an empty body). */
function statusResponse(code: number, ctx: HttpbinContext): HttpResponse {
  switch (code) {
    case 301:
    case 302:
    case 303:
    case 305:
    case 307:
    case 308:
      return new HttpResponse(null, { status: code, headers: { location: ctx.link('/redirect/1') } });
    case 401:
      return new HttpResponse(null, { status: code, headers: { 'www-authenticate': 'Basic realm="Fake Realm"' } });
    case 406:
      return prettyJson({ message: 'Client did not request a supported media type.', accept: ['image/webp', 'image/svg+xml', 'image/jpeg', 'image/png', 'image/*'] }, code);
    case 407:
      return new HttpResponse(null, { status: code, headers: { 'proxy-authenticate': 'Basic realm="Fake Realm"' } });
    case 418:
      return new HttpResponse(TEAPOT, { status: code, headers: { 'x-more-info': 'https://www.rfc-editor.org/rfc/rfc2324', 'content-type': 'text/plain; charset=utf-8' } });
    default:
      return new HttpResponse(null, { status: code, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
}

function hostUrl(request: HttpRequest, path: string): string {
  return `${request.scheme}://${request.header('host') ?? 'localhost'}${path}`;
}

export function statusRoutes(ctx: HttpbinContext): Router[] {
  const status = (request: HttpRequest): HttpResponse => statusResponse(pick(parseCodes(String(request.params.codes)), ctx.random), ctx);
  const N = '<int(min=1,max=100):n>';
  return [
    router('status/<codes>', allMethods(status)),
    router(`redirect/${N}`, {
      get: (request) => {
        const n = Number(request.params.n);
        const absolute = (firstValue(request.query, 'absolute') ?? 'false').toLowerCase() === 'true';
        if (n === 1) return HttpResponse.redirect(absolute ? hostUrl(request, ctx.link('/get')) : ctx.link('/get'));
        return HttpResponse.redirect(absolute ? hostUrl(request, ctx.link(`/absolute-redirect/${n - 1}`)) : ctx.link(`/relative-redirect/${n - 1}`));
      },
    }),
    router(`relative-redirect/${N}`, {
      get: (request) => {
        const n = Number(request.params.n);
        return HttpResponse.redirect(ctx.link(n === 1 ? '/get' : `/relative-redirect/${n - 1}`));
      },
    }),
    router(`absolute-redirect/${N}`, {
      get: (request) => {
        const n = Number(request.params.n);
        return HttpResponse.redirect(hostUrl(request, ctx.link(n === 1 ? '/get' : `/absolute-redirect/${n - 1}`)));
      },
    }),
    router(
      'redirect-to',
      allMethods((request) => {
        const url = firstValue(request.query, 'url');
        if (url === undefined || url === '') throw httpError(400, 'redirect-to needs a url parameter');
        const code = Number(firstValue(request.query, 'status_code') ?? 302);
        return HttpResponse.redirect(url, Number.isInteger(code) && code >= 300 && code < 400 ? code : 302);
      }),
    ),
  ];
}

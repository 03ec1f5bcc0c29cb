/**
 * Response formats: `/html`, `/json`, `/xml`, `/robots.txt`, `/deny`, `/forms/post`.
 */
import { HttpResponse, router, type Router } from 'rxpulsar/operators';
import { DENY, formPage, MOBY_DICK, robotsTxt, SLIDESHOW, SLIDESHOW_XML } from './content';
import type { HttpbinContext } from './context';
import { escapeHtml, prettyJson } from './respond';

export function formatRoutes(ctx: HttpbinContext): Router[] {
  return [
    router('html', { get: () => HttpResponse.html(MOBY_DICK) }),
    router('json', { get: () => prettyJson(SLIDESHOW) }),
    router('xml', { get: () => new HttpResponse(SLIDESHOW_XML, { headers: { 'content-type': 'application/xml' } }) }),
    router('robots.txt', { get: () => HttpResponse.text(robotsTxt(ctx.link('/deny'))) }),
    router('deny', { get: () => HttpResponse.text(DENY) }),
    router('forms/post', { get: () => HttpResponse.html(formPage(escapeHtml(ctx.link('/post')))) }),
  ];
}

/**
 * Router and route rules: converters, child prefixes, methods, reverse routing.
 */
import { inject, reactive } from 'rxpulsar/apps/wsgi';
import { compileRule, matchRule, router, HttpResponse, type HttpRequest, type Router } from 'rxpulsar/operators';

const echo = (req: HttpRequest): HttpResponse => HttpResponse.json({ method: req.method, params: req.params });

function serve(root: Router) {
  return reactive((req) => {
    const result = root.dispatch(req);
    if (result === undefined) return HttpResponse.text('no route', { status: 404 });
    return result;
  });
}

describe('route rules', () => {
  it.each([
    ['item/<int:id>', '/item/42', { id: 42 }],
    ['item/<int:id>', '/item/42/', { id: 42 }],
    ['item/<int:id>', '/item/x', undefined],
    ['item/<int(min=1,max=200):n>', '/item/200', { n: 200 }],
    ['item/<int(min=1,max=200):n>', '/item/201', undefined],
    ['item/<int(fixed_digits=4):year>', '/item/2024', { year: 2024 }],
    ['item/<int(fixed_digits=4):year>', '/item/24', undefined],
    ['files/<path:p>', '/files/a/b/c.txt', { p: 'a/b/c.txt' }],
    ['files/<path:p>', '/files/', undefined],
    ['<float:x>', '/1.5', { x: 1.5 }],
    ['<float:x>', '/1', undefined],
    ['<slug>', '/anything-here', { slug: 'anything-here' }],
    ['<slug>', '/a/b', undefined],
    ['post/<slug:s>', '/post/hello-world-2', { s: 'hello-world-2' }],
    ['post/<slug:s>', '/post/Hello_World', undefined],
    ['<any(red,green):colour>', '/green', { colour: 'green' }],
    ['<any(red,green):colour>', '/blue', undefined],
    ['<string(length=2):cc>/x', '/it/x', { cc: 'it' }],
    ['<string(length=2):cc>/x', '/ita/x', undefined],
    ['a.b/<name>', '/a.b/z', { name: 'z' }],
    ['a.b/<name>', '/aXb/z', undefined],
  ])('%s on %s', (rule, path, expected) => {
    expect(matchRule(compileRule(rule), path)).toEqual(expected);
  });

  it('should refuse unknown converters and duplicate names', () => {
    expect(() => compileRule('<nope:x>')).toThrow(/route converter/);
    expect(() => compileRule('<a>/<int:a>')).toThrow(/unique/);
  });
});

describe('Router', () => {
  const tree = router(
    '/',
    { get: () => HttpResponse.text('root') },
    router(
      'api/<version>',
      {},
      router('items', { get: echo, post: echo }),
      router('items/<int:id>', { get: echo, delete: echo }, router('parts/<path:rest>', { get: echo })),
    ),
  );

  it('should compose child prefixes and keep the parent variables', async () => {
    const res = await inject(serve(tree), '/api/v2/items/7/parts/a/b');
    expect(res.json()).toEqual({ method: 'GET', params: { version: 'v2', id: 7, rest: 'a/b' } });
    expect(tree.children[0].children[1].children[0].fullRule).toBe('api/<version>/items/<int:id>/parts/<path:rest>');
  });

  it('should dispatch per method, fall back from HEAD to GET, and answer OPTIONS', async () => {
    const app = serve(tree);
    expect((await inject(app, { method: 'POST', url: '/api/v1/items', body: '' })).json()).toEqual({ method: 'POST', params: { version: 'v1' } });
    const head = await inject(app, { method: 'HEAD', url: '/api/v1/items/3' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const options = await inject(app, { method: 'OPTIONS', url: '/api/v1/items/3' });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS');
  });

  it('should answer 405 with Allow for a known path and leave unknown paths to the caller', async () => {
    const app = serve(tree);
    const res = await inject(app, { method: 'PATCH', url: '/api/v1/items/3', body: '' }, { onError: () => undefined });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS');
    expect((await inject(app, '/api')).text).toBe('no route');
  });

  it('should build URLs from rules (reverse routing)', () => {
    const parts = tree.children[0].children[1].children[0];
    expect(parts.url({ version: 'v1', id: 3, rest: 'a b/c' })).toBe('/api/v1/items/3/parts/a%20b/c');
    expect(() => parts.url({ version: 'v1' })).toThrow(/url parameter id/);
    expect(tree.url()).toBe('/');
  });

  it('should recompile children when moved under another parent', () => {
    const child = router('leaf', { get: echo });
    const first = router('one', {}, child);
    expect(child.fullRule).toBe('one/leaf');
    const second = router('two', {});
    second.addChild(child);
    expect(child.fullRule).toBe('two/leaf');
    expect(first.children).toHaveLength(0);
    expect(second.match('/two/leaf')?.router).toBe(child);
    second.removeChild(child);
    expect(child.parent).toBeUndefined();
    expect(child.fullRule).toBe('leaf');
  });

  it('should refuse handlers that are not functions', () => {
    expect(() => router('x', { get: 'nope' as unknown as () => string })).toThrow(/handler for get/);
  });
});

/**
 * A tree of routes with per-method handlers (pulsar's `Router`), fixed:
 * - child routes compose prefixes: `router('api', {}, router('items/<int:id>', …))` serves
 *   `/api/items/7` with `params.id === 7` (pulsar matched children against the full path and
 *   dropped the parent's variables);
 * - every method is a key (`get`, `post`, `put`, `patch`, `delete`, …; pulsar's `post_` name
 *   prefix was never recognised);
 * - a path that matches with no handler for the method is 405 with `Allow`; `HEAD` falls back to
 *   `GET`; `OPTIONS` without a handler answers 204 with `Allow`.
 */
import { createError } from '../../lib/errors';
import type { HttpRequest } from './http-request';
import { HttpResponse } from './http-response';
import type { HttpHandler, HttpResult } from './result';
import { buildPath, compileRule, joinRules, matchRule, type CompiledRule } from './route-rule';
import type { Observable } from 'rxjs';

/** Handlers by method: `{ get, post, … }` (lower-case keys; any method name works). */
export type RouteMethods = Readonly<Record<string, HttpHandler | undefined>>;

/** A successful match. */
export interface RouteMatch {
  readonly router: Router;
  readonly params: Record<string, string | number>;
}

/**
 * A route and its children.
 *
 * ```
 * router('/', { get: home },
 *   router('item/<int:id>', { get: showItem, delete: removeItem }),
 *   router('files/<path:p>', { get: serveStatic('./public', { param: 'p' }) }),
 * )
 * ```
 */
export class Router {
  /** The rule as given (relative to the parent). */
  readonly rule: string;
  readonly children: Router[] = [];
  #parent: Router | undefined;
  #compiled: CompiledRule;
  readonly #methods: Map<string, HttpHandler>;

  constructor(rule: string, methods: RouteMethods = {}, ...children: Router[]) {
    this.rule = rule;
    this.#methods = new Map();
    for (const [name, handler] of Object.entries(methods)) {
      if (handler === undefined) continue;
      if (typeof handler !== 'function') throw createError('RXP_ERR_INVALID_ARGUMENT', `handler for ${name}`, 'a function', typeof handler);
      this.#methods.set(name.toUpperCase(), handler);
    }
    this.#compiled = compileRule(rule);
    for (const child of children) this.addChild(child);
  }

  get parent(): Router | undefined {
    return this.#parent;
  }

  /** The full rule, parent prefixes included (`api/items/<int:id>`). */
  get fullRule(): string {
    return this.#compiled.rule;
  }

  /** Methods this route answers (HEAD with GET, OPTIONS always). */
  get allowed(): string[] {
    const methods = [...this.#methods.keys()];
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    if (!methods.includes('OPTIONS')) methods.push('OPTIONS');
    return methods.sort();
  }

  addChild(child: Router): this {
    if (child.#parent !== undefined) child.#parent.removeChild(child);
    child.#parent = this;
    this.children.push(child);
    child.#recompile();
    return this;
  }

  removeChild(child: Router): this {
    const index = this.children.indexOf(child);
    if (index !== -1) {
      this.children.splice(index, 1);
      child.#parent = undefined;
      child.#recompile();
    }
    return this;
  }

  #recompile(): void {
    this.#compiled = compileRule(this.#parent === undefined ? this.rule : joinRules(this.#parent.fullRule, this.rule));
    for (const child of this.children) child.#recompile();
  }

  /** The route serving `path` (itself or a descendant), with its variables. */
  match(path: string): RouteMatch | undefined {
    if (this.#methods.size > 0) {
      const params = matchRule(this.#compiled, path);
      if (params !== undefined) return { router: this, params };
    }
    if (this.children.length === 0 || (this.#compiled.rule !== '' && !this.#compiled.prefix.test(path))) return undefined;
    for (const child of this.children) {
      const found = child.match(path);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * Dispatches `request`: sets `request.params` and runs the method's handler. Undefined when
   * no route matches the path (the caller answers 404 or tries something else).
   */
  dispatch(request: HttpRequest): HttpResult | PromiseLike<HttpResult> | Observable<HttpResult> | undefined {
    const found = this.match(request.path);
    if (found === undefined) return undefined;
    request.params = found.params;
    return found.router.#run(request);
  }

  #run(request: HttpRequest): HttpResult | PromiseLike<HttpResult> | Observable<HttpResult> {
    const methods = this.#methods;
    let handler = methods.get(request.method);
    if (handler === undefined && request.method === 'HEAD') handler = methods.get('GET');
    if (handler !== undefined) return handler(request);
    const allow = this.allowed.join(', ');
    if (request.method === 'OPTIONS') return HttpResponse.empty(204, { allow });
    const error = createError('RXP_ERR_HTTP_METHOD_NOT_ALLOWED', request.method, request.path);
    error.data = { headers: { allow } };
    throw error;
  }

  /** The path of this route for `params` (reverse routing). */
  url(params: Readonly<Record<string, string | number>> = {}): string {
    return buildPath(this.#compiled, params);
  }
}

/** Creates a {@link Router}: `router(rule, { get, post, … }, ...children)`. */
export function router(rule: string, methods: RouteMethods = {}, ...children: Router[]): Router {
  return new Router(rule, methods, ...children);
}

/**
 * `--http-*` settings and their mapping onto HttpOptions.
 */
import { findSetting, type Setting } from 'rxpulsar';
import { httpHeadersTimeout, httpMaxBodySize, httpMethods, httpOptionsFromConfig, resolveHttpOptions } from 'rxpulsar/apps/wsgi';

describe('HTTP settings', () => {
  it('should register every setting under the wsgi app with a --http flag', () => {
    for (const name of ['http_parser', 'http_max_body_size', 'http_max_header_size', 'http_max_header_count', 'http_headers_timeout', 'http_request_timeout', 'http_max_pipelined', 'http_max_requests_per_connection', 'http_methods']) {
      const setting = findSetting(name);
      expect(setting?.app).toBe('wsgi');
      expect(setting?.flags?.[0]).toBe(`--${name.replace(/_/g, '-')}`);
    }
    expect(httpMethods.validate('get, post')).toEqual(['get', 'post']);
    expect(() => httpMaxBodySize.validate('-1')).toThrow();
  });

  it('should map a configuration onto engine options (seconds to milliseconds)', () => {
    const values = new Map<Setting<unknown>, unknown>([
      [httpHeadersTimeout as Setting<unknown>, 2.5],
      [httpMethods as Setting<unknown>, ['get', 'brew']],
    ]);
    const reader = { get: <T>(setting: Setting<T>): T => (values.has(setting as Setting<unknown>) ? values.get(setting as Setting<unknown>) : setting.default) as T };
    const options = httpOptionsFromConfig(reader);
    expect(options.headersTimeout).toBe(2500);
    expect(options.methods).toEqual(['GET', 'BREW']);
    expect(options.maxBodySize).toBe(1024 * 1024);
    const resolved = resolveHttpOptions({ ...options, keepAliveTimeout: 0 });
    expect(resolved.keepAliveTimeout).toBe(Infinity);
    expect(resolved.methods.has('BREW')).toBe(true);
  });

  it('should reject invalid option values', () => {
    expect(() => resolveHttpOptions({ maxBodySize: -1 })).toThrow(/maxBodySize/);
    expect(() => resolveHttpOptions({ headersTimeout: Number.NaN })).toThrow(/headersTimeout/);
  });
});

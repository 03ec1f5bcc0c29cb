/**
 * The llhttp wrapper: callbacks, strictness, pausing, error mapping.
 */
import { isRxPulsarError } from 'rxpulsar';
import { LLHTTP_PAUSE, LlhttpParser, llhttpErrorToCatalog, llhttpVersion, type LlhttpError, type LlhttpOwner } from '../../../lib/http/llhttp';

interface Message {
  method: string;
  url: string;
  version: string;
  headers: string[];
  body: string;
  keepAlive: boolean;
  upgrade: boolean;
  status: number;
}

class Recorder implements LlhttpOwner {
  readonly messages: Message[] = [];
  trailers: string[][] = [];
  headersResult = 0;
  #current: Message | null = null;

  onHeadersComplete(major: number, minor: number, headers: string[], method: string, url: string, status: number, _m: string, upgrade: boolean, keepAlive: boolean): number {
    this.#current = { method, url, version: `${major}.${minor}`, headers, body: '', keepAlive, upgrade, status };
    this.messages.push(this.#current);
    return this.headersResult;
  }

  onBody(chunk: Buffer): void {
    if (this.#current) this.#current.body += chunk.toString();
  }

  onTrailers(trailers: string[]): void {
    this.trailers.push(trailers);
  }

  onMessageComplete(): void {
    this.#current = null;
  }

  onExecute(): void {
    // execute() is called directly here
  }
}

function parse(input: string, kind: 'request' | 'response' = 'request', maxHeaderSize = 8192): { recorder: Recorder; result: number | LlhttpError } {
  const recorder = new Recorder();
  const parser = new LlhttpParser(recorder, kind, { maxHeaderSize });
  const result = parser.execute(Buffer.from(input, 'latin1'));
  parser.destroy();
  return { recorder, result };
}

describe('LlhttpParser', () => {
  it('should report the bundled llhttp version', () => {
    expect(llhttpVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('should parse pipelined requests with bodies and keep-alive flags', () => {
    const input = 'POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.0\r\n\r\n';
    const { recorder, result } = parse(input);
    expect(result).toBe(input.length);
    expect(recorder.messages).toEqual([
      { method: 'POST', url: '/a?x=1', version: '1.1', headers: ['Host', 'h', 'Content-Length', '3'], body: 'abc', keepAlive: true, upgrade: false, status: 0 },
      { method: 'GET', url: '/b', version: '1.0', headers: [], body: '', keepAlive: false, upgrade: false, status: 0 },
    ]);
  });

  it('should tell after each read whether it stopped inside a message head', () => {
    const recorder = new Recorder();
    const parser = new LlhttpParser(recorder, 'request', { maxHeaderSize: 8192 });
    const feed = (text: string): boolean => {
      expect(parser.execute(Buffer.from(text, 'latin1'))).toBe(text.length);
      return parser.inHead;
    };
    expect(parser.inHead).toBe(false);
    expect(feed('GET / HTTP/1.1\r\nHo')).toBe(true);
    expect(feed('st: x\r\nContent-Length: 3\r\n\r\na')).toBe(false); // in the body
    expect(feed('bcPO')).toBe(true); // the next request began
    expect(feed('ST / HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(false); // between requests
    expect(recorder.messages.map((m) => m.method)).toEqual(['GET', 'POST']);
    parser.destroy();
    expect(parser.inHead).toBe(false);
  });

  it('should gather more than 32 header fields flushed in pieces', () => {
    const fields = Array.from({ length: 40 }, (_, i) => `X-${i}: ${i}\r\n`).join('');
    const { recorder } = parse(`GET /many HTTP/1.1\r\n${fields}\r\n`);
    expect(recorder.messages[0].headers).toHaveLength(80);
    expect(recorder.messages[0].headers.slice(-2)).toEqual(['X-39', '39']);
    expect(recorder.messages[0].url).toBe('/many');
  });

  it('should decode chunked bodies and report trailers apart', () => {
    const { recorder } = parse('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\nX-T: 1\r\n\r\n');
    expect(recorder.messages[0].body).toBe('abcd');
    expect(recorder.trailers).toEqual([['X-T', '1']]);
  });

  it('should be strict: no lenient flags', () => {
    for (const input of [
      'GET / HTTP/1.1\nHost: h\n\n',
      'GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx',
    ]) {
      expect(typeof parse(input).result).toBe('object');
    }
  });

  it('should abort when onHeadersComplete returns -1', () => {
    const recorder = new Recorder();
    recorder.headersResult = -1;
    const parser = new LlhttpParser(recorder, 'request', { maxHeaderSize: 8192 });
    const result = parser.execute(Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n'));
    parser.destroy();
    expect((result as LlhttpError).code).toBe('HPE_CB_HEADERS_COMPLETE');
  });

  it('should pause after headers with LLHTTP_PAUSE and resume on the rest', () => {
    const recorder = new Recorder();
    recorder.headersResult = LLHTTP_PAUSE;
    const parser = new LlhttpParser(recorder, 'request', { maxHeaderSize: 8192 });
    const input = Buffer.from('GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n');
    const first = parser.execute(input) as LlhttpError;
    expect(first.code).toBe('HPE_PAUSED');
    expect(recorder.messages.map((m) => m.url)).toEqual(['/1']);
    recorder.headersResult = 0;
    parser.resume();
    expect(parser.execute(input.subarray(first.bytesParsed))).toBe(input.length - first.bytesParsed);
    expect(recorder.messages.map((m) => m.url)).toEqual(['/1', '/2']);
    parser.destroy();
  });

  it('should parse responses, including bodies delimited by EOF', () => {
    const recorder = new Recorder();
    const parser = new LlhttpParser(recorder, 'response', { maxHeaderSize: 8192 });
    parser.execute(Buffer.from('HTTP/1.0 200 OK\r\nX: y\r\n\r\nuntil close'));
    expect(parser.finish()).toBe(0);
    parser.destroy();
    expect(recorder.messages[0]).toMatchObject({ status: 200, body: 'until close' });
  });

  it('should be inert after destroy (and destroy is idempotent)', () => {
    const recorder = new Recorder();
    const parser = new LlhttpParser(recorder, 'request', { maxHeaderSize: 8192 });
    parser.destroy();
    parser.destroy();
    expect(parser.execute(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toBe(0);
    expect(parser.consumed).toBe(false);
  });
});

describe('llhttpErrorToCatalog', () => {
  const mapped = (input: string, maxHeaderSize = 8192): { code: string; status: number | undefined } => {
    const buffer = Buffer.from(input, 'latin1');
    const { result } = parse(input, 'request', maxHeaderSize);
    if (typeof result === 'number') throw new Error(`parsed: ${input}`);
    const error = llhttpErrorToCatalog(result, buffer);
    expect(isRxPulsarError(error)).toBe(true);
    return { code: error.code, status: error.status };
  };

  it('should map unknown but well-formed methods to 501 and garbage to 400', () => {
    expect(mapped('BREW /pot HTTP/1.1\r\n\r\n')).toEqual({ code: 'RXP_ERR_HTTP_METHOD_NOT_IMPLEMENTED', status: 501 });
    expect(mapped('get / HTTP/1.1\r\n\r\n').status).toBe(501);
    expect(mapped('\x00\x01garbage').status).toBe(400);
    expect(mapped('GE@T / HTTP/1.1\r\n\r\n').status).toBe(400);
  });

  it('should map header overflow to 431 and unsupported versions to 505', () => {
    expect(mapped(`GET / HTTP/1.1\r\nX: ${'a'.repeat(500)}\r\n\r\n`, 256)).toEqual({ code: 'RXP_ERR_HTTP_HEADERS_TOO_LARGE', status: 431 });
    expect(mapped('GET / HTTP/1.2\r\n\r\n')).toEqual({ code: 'RXP_ERR_HTTP_VERSION_NOT_SUPPORTED', status: 505 });
    expect(mapped('GET / HTTP/1.1\nHost: a\n\n').status).toBe(400);
  });

  it('should keep the llhttp code in data', () => {
    const { result } = parse('GET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n');
    const error = llhttpErrorToCatalog(result as LlhttpError);
    expect(error.data).toEqual({ llhttp: 'HPE_INVALID_HEADER_TOKEN' });
  });
});

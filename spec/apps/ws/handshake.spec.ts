import { checkHandshake, upgradeRejection, type UpgradeRequest } from 'rxpulsar/apps/ws';
import { parseProtocols } from '../../../apps/ws/handshake';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function request(overrides: Partial<UpgradeRequest> = {}, headers: UpgradeRequest['headers'] = {}): UpgradeRequest {
  return {
    method: 'GET',
    url: '/ws',
    httpVersion: '1.1',
    ...overrides,
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': KEY,
      'sec-websocket-version': '13',
      ...headers,
    },
  };
}

describe('checkHandshake', () => {
  it('should accept a RFC 6455 §1.3 handshake', () => {
    expect(checkHandshake(request())).toBeUndefined();
  });

  it('should accept token lists and any letter case (Connection: keep-alive, Upgrade)', () => {
    expect(checkHandshake(request({}, { connection: 'keep-alive, Upgrade', upgrade: 'WebSocket' }))).toBeUndefined();
  });

  it('should accept repeated headers given as arrays', () => {
    expect(checkHandshake(request({}, { connection: ['keep-alive', 'upgrade'] }))).toBeUndefined();
  });

  const cases: Array<[string, UpgradeRequest, string, number]> = [
    ['POST', request({ method: 'POST' }), 'RXP_ERR_WS_METHOD_NOT_ALLOWED', 405],
    ['HTTP/1.0', request({ httpVersion: '1.0' }), 'RXP_ERR_WS_BAD_HANDSHAKE', 400],
    ['no Upgrade header (a plain GET)', request({}, { upgrade: undefined }), 'RXP_ERR_WS_UPGRADE_REQUIRED', 426],
    ['Upgrade: h2c', request({}, { upgrade: 'h2c' }), 'RXP_ERR_WS_UPGRADE_REQUIRED', 426],
    ['no Connection: upgrade', request({}, { connection: 'keep-alive' }), 'RXP_ERR_WS_BAD_HANDSHAKE', 400],
    ['version 8', request({}, { 'sec-websocket-version': '8' }), 'RXP_ERR_WS_UPGRADE_REQUIRED', 426],
    ['no version', request({}, { 'sec-websocket-version': undefined }), 'RXP_ERR_WS_UPGRADE_REQUIRED', 426],
    ['no key', request({}, { 'sec-websocket-key': undefined }), 'RXP_ERR_WS_BAD_HANDSHAKE', 400],
    ['a key of 15 bytes', request({}, { 'sec-websocket-key': Buffer.alloc(15).toString('base64') }), 'RXP_ERR_WS_BAD_HANDSHAKE', 400],
    ['two keys', request({}, { 'sec-websocket-key': [KEY, KEY] }), 'RXP_ERR_WS_BAD_HANDSHAKE', 400],
    ['a malformed protocol list', request({}, { 'sec-websocket-protocol': 'chat, , x y' }), 'RXP_ERR_WS_BAD_HANDSHAKE', 400],
  ];

  it.each(cases)('should refuse %s', (_name, req, code, status) => {
    const error = checkHandshake(req);
    expect(error?.code).toBe(code);
    expect(error?.status).toBe(status);
  });
});

describe('upgradeRejection', () => {
  it('should name the protocol and version on 426 (RFC 7231 §6.5.15, RFC 6455 §4.4)', () => {
    const rejection = upgradeRejection(checkHandshake(request({}, { 'sec-websocket-version': '8' }))!);
    expect(rejection).toMatchObject({
      status: 426,
      headers: { upgrade: 'websocket', 'sec-websocket-version': '13' },
    });
    expect(rejection.body).toContain('Sec-WebSocket-Version');
  });

  it('should send Allow: GET on 405', () => {
    expect(upgradeRejection(checkHandshake(request({ method: 'PUT' }))!).headers.allow).toBe('GET');
  });
});

describe('parseProtocols', () => {
  it('should keep the client order', () => {
    expect(parseProtocols('chat.v2, chat.v1')).toEqual(['chat.v2', 'chat.v1']);
  });

  it('should refuse empty items, spaces inside tokens and duplicates', () => {
    expect(parseProtocols('a,,b')).toBeUndefined();
    expect(parseProtocols('a b')).toBeUndefined();
    expect(parseProtocols('a, a')).toBeUndefined();
  });
});

import { Config } from 'rxpulsar';
import { webSocketOptionsFromConfig, wsBackpressure, wsMaxPayload } from 'rxpulsar/apps/ws';

describe('WebSocket settings', () => {
  it('should give the documented defaults', () => {
    expect(webSocketOptionsFromConfig(Config.load({ apps: ['wsgi'] }))).toEqual({
      backpressure: 'wait',
      maxPayload: 1024 * 1024,
      perMessageDeflate: false,
      pingInterval: 30_000,
      sendHighWaterMark: 1024 * 1024,
    });
  });

  it('should read the command line (seconds become milliseconds)', () => {
    const cfg = Config.load({
      apps: ['wsgi'],
      argv: ['--ws-max-payload', '4096', '--ws-ping-interval', '2.5', '--ws-backpressure', 'drop', '--ws-permessage-deflate', '--ws-send-high-water-mark', '65536'],
    });
    expect(webSocketOptionsFromConfig(cfg)).toEqual({
      backpressure: 'drop',
      maxPayload: 4096,
      perMessageDeflate: true,
      pingInterval: 2500,
      sendHighWaterMark: 65536,
    });
  });

  it('should refuse bad values with RXP_ERR_INVALID_SETTING', () => {
    expect(() => Config.load({ apps: ['wsgi'], argv: ['--ws-backpressure', 'block'] })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SETTING' }));
    expect(() => Config.load({ apps: ['wsgi'], argv: ['--ws-max-payload', '10'] })).toThrow(expect.objectContaining({ code: 'RXP_ERR_INVALID_SETTING' }));
  });

  it('should belong to the HTTP app (wsgi), where WebSocket routes are served', () => {
    expect(wsMaxPayload.app).toBe('wsgi');
    expect(wsBackpressure.flags).toEqual(['--ws-backpressure']);
  });
});

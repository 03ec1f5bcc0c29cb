/**
 * `rxpulsar/apps/ws`: WebSocket routes as operators (`message$ → outgoing$`), served on upgrade
 * requests handed over by the HTTP server.
 */

/* Application */
export { WebSocketApp } from './web-socket-app';
export { webSocket, type WsRoute } from './route';

/* Route helpers */
export { closeWith, isMessage, messages, textMessages } from './messages';

/* Handshake (for HTTP servers that answer plain requests themselves) */
export { checkHandshake, upgradeRejection, writeRejection } from './handshake';

/* Keep-alive (exported for custom transports) */
export { KeepAlive, type KeepAlivePeer } from './keep-alive';

/* Settings */
export {
  webSocketOptionsFromConfig,
  wsBackpressure,
  wsMaxPayload,
  wsPerMessageDeflate,
  wsPingInterval,
  wsSendHighWaterMark,
  type SettingsReader,
} from './settings';

/* Types */
export type {
  BackpressurePolicy,
  HeaderValue,
  ProtocolSelector,
  UpgradeRejection,
  UpgradeRequest,
  WebSocketAppOptions,
  WsClose,
  WsCloseCommand,
  WsContext,
  WsHandler,
  WsIncoming,
  WsMessage,
  WsOpen,
  WsOutgoing,
  WsRouteOptions,
} from './types';

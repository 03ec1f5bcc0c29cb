/** `rxpulsar/apps/socket`: the socket server application and the connection-handler contract. */
export { SocketServer } from './socket-server';
export type { SocketServerOptions } from './socket-server';
export type { ConnectionHandler } from './connection-handler';
export { echoHandler } from './echo';
export { keepAlive, maxConnections, workerHeader } from './settings';

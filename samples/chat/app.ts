/**
 * pulsar's web chat (examples/chat) as a web sample, with its bug fixed (inventory §11 item 19:
 * it used a `rpc.RpcMiddleware` that does not exist):
 *
 * ```
 * GET  <base>      the chat page
 * WS   <base>ws    join with a name, then talk: every member on every worker hears it
 * POST <base>rpc   JSON-RPC 2.0: message(text, name?) publishes a message; ping, echo, ...
 * ```
 *
 * Messages go through pub/sub (`--pubsub embedded|redis://…`): with the embedded backend they
 * reach every worker of the server; with Redis, every server that shares the Redis.
 */
import { createError, createPubSub, settings, type ActorContext, type Config, type PubSubBackend } from 'rxpulsar';
import { RpcDispatcher, rpcHttpHandler, rpcMethod, serverCommands } from 'rxpulsar/apps/rpc';
import { webSocket } from 'rxpulsar/apps/ws';
import type { HttpRequest, HttpResult } from 'rxpulsar/operators';
import { joinPath, pageResponse, rpcResponse, type WebSample, type WebSampleFactory } from '../web/web-sample';
import { chatRoute, type ChatRouteOptions } from './chat-route';
import { chatPage } from './page';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH, normaliseName, normaliseText } from './protocol';
import { ChatRoom } from './room';

export interface ChatSampleOptions extends ChatRouteOptions {
  /** The worker's backend. @default createPubSub(config.get(settings.pubsub)) */
  readonly backend?: (config: Config) => PubSubBackend;
  /** Pub/sub channel. @default 'rxpulsar.chat' + base, so two mounts never mix */
  readonly channel?: string;
}

/** The JSON-RPC methods of the chat (pulsar's `message(text)`). */
function chatRpc(room: ChatRoom): object {
  return {
    message: rpcMethod(
      { params: ['text: string', 'name?: string'], doc: 'Publishes a message to the room; replies how many subscribers the backend reached.', section: 'chat' },
      (text: string, name = 'rpc') => {
        const body = normaliseText(text);
        const who = normaliseName(name);
        if (body === undefined) throw createError('RXP_ERR_RPC_INVALID_PARAMS', 'message', `text must be 1 to ${MAX_TEXT_LENGTH} characters`);
        if (who === undefined) throw createError('RXP_ERR_RPC_INVALID_PARAMS', 'message', `name must be 1 to ${MAX_NAME_LENGTH} characters`);
        return room.sayAs(who, body);
      },
    ),
  };
}

/** Builds the chat factory. */
export function createChatSample(options: ChatSampleOptions = {}): WebSampleFactory {
  return (base: string, actor: ActorContext, config: Config): WebSample => {
    const root = joinPath(base);
    // One backend (one Redis connection pair) per worker, closed when the worker stops.
    const backend = options.backend ? options.backend(config) : createPubSub(config.get(settings.pubsub));
    const room = new ChatRoom({ backend, worker: actor.aid, logger: actor.log, channel: options.channel ?? `rxpulsar.chat${root}`, scheduler: options.scheduler });
    actor.onStop(() => room.close());
    const rpc = rpcHttpHandler(new RpcDispatcher([chatRpc(room), serverCommands()]));
    const page = chatPage();
    const rpcPath = joinPath(root, 'rpc');
    const welcome = () => ({ type: 'welcome', worker: actor.aid, pid: process.pid, time: Date.now() }) as const;

    const handle = (request: HttpRequest): Promise<HttpResult> | HttpResult | undefined => {
      if (request.path === root) return pageResponse(request, page);
      if (request.path === rpcPath) return rpcResponse(rpc, request);
      return undefined;
    };
    return { base: root, handle, routes: [webSocket(joinPath(root, 'ws'), chatRoute(room, welcome, options))] };
  };
}

/** The chat, for `serveSamples` and the showcase. */
export const chatSample: WebSampleFactory = createChatSample();

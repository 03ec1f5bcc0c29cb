/**
 * rxpulsar: actors in threads and processes supervised by an arbiter, as Observables.
 * Public entry point `rxpulsar`.
 */

/* Actors */
export { arbiter, startArbiter, Arbiter } from './actor/arbiter';
export type { SpawnOptions, WorkerSpec, ArbiterStartOptions } from './actor/arbiter';
export { send, request, spawn, DEFAULT_SEND_TIMEOUT } from './actor/api';
export type { RequestOptions } from './actor/api';
export { ActorRef } from './actor/actor-ref';
export type { ActorRefData } from './actor/actor-ref';
export { defineActor } from './actor/definition';
export type { ActorDefinition } from './actor/definition';
export type { ActorContext, ActorInfo, ActorState } from './actor/context';
export type { CommandContext, CommandHandler } from './actor/mailbox';
export type { ActorEvent, ActorEventType } from './actor/events';
export type { Target, ActorRefLike } from './actor/target';
export { currentActor } from './actor/current';
export { isWorker } from './actor/boot';
export { Application } from './app/application';
export type { ApplicationOptions } from './app/application';
export { Monitor } from './actor/monitor';
export type { MonitorOptions } from './actor/monitor';
export { Supervisor } from './actor/supervisor';
export type { RestartType, SlotState } from './actor/supervisor';

/* Supervision policies (RxJS operators, also exported from rxpulsar/operators) */
export { heartbeatTimeout } from './supervision/heartbeat-timeout';
export { restartPolicy } from './supervision/restart-policy';
export type { RestartPolicyOptions, RestartDecision } from './supervision/restart-policy';

/* Configuration */
export { Config } from './config/config';
export type { SettingValues, LoadOptions } from './config/config';
export { defineSetting, findSetting, settingsFor, allSettings } from './config/registry';
export type { Setting, SettingSpec, Validator } from './config/registry';
export * as validators from './config/validators';
export * as settings from './config/settings';
export type { Concurrency, LogLevel } from './config/settings';

/* Pub/sub */
export { EmbeddedPubSub, installEmbeddedPubSub } from './pubsub/embedded';
export { RedisPubSub, backoffDelay, parseRedisUrl } from './pubsub/redis';
export type { RedisPubSubOptions, BackoffOptions } from './pubsub/redis';
export { createPubSub } from './pubsub/create';
export type { PubSubBackend, PubSubState } from './pubsub/types';

/* Errors */
export { ERROR_CATALOG, RxPulsarError, createError, isRxPulsarError, serializeError, deserializeError } from './errors';
export type { ErrorCode, ErrorSpec, SerializedError } from './errors';

/* Logging */
export { createLogger, configureLogging } from './log';
export type { Logger, LogSink } from './log';

export { version } from './version';

/**
 * `rxpulsar/apps/tasks`: the distributed task queue (pulsar's `apps.tasks`).
 *
 * Jobs are named functions; producers queue tasks and follow them as Observables; workers pull
 * tasks on credit from a backend — embedded (in the arbiter) or Redis (across hosts) — under
 * leases, so a task whose worker dies or hangs is delivered again.
 */

/* Jobs */
export { defineJob, JobRegistry } from './job';
export type { Job, JobOptions, JobRef, JobResult, JobSchedule, TaskContext } from './job';

/* States */
export {
  ALL_STATES,
  isDone,
  isLater,
  isTaskStatus,
  NOT_STARTED_STATES,
  READY_STATES,
  STATUS_PRECEDENCE,
  TaskStatus,
  UNREADY_STATES,
} from './states';
export type { TaskPosition } from './states';

/* Data */
export type { TaskEvent, TaskFilter, TaskOptions, TaskRecord, TaskRunOptions, WatchMessage } from './types';

/* Producer side */
export { TaskQueueClient, taskError, taskResult } from './client';
export type { JobInfo, NextScheduled, TaskQueueClientOptions, WaitOptions } from './client';
export type { Backpressure } from './enqueue-batcher';

/* Worker side */
export { TaskConsumer } from './consumer';
export type { HardTimeLimitEvent, StopOptions, TaskConsumerOptions } from './consumer';
export { retryDelay } from './backoff';

/* Schedules */
export { PeriodicScheduler } from './periodic-scheduler';
export type { PeriodicEntry, PeriodicSchedulerOptions } from './periodic-scheduler';
export { compileSchedule } from './schedule';
export type { CompiledSchedule } from './schedule';

/* Backends */
export type {
  BackendSignal,
  BackendStats,
  ClaimReply,
  ClaimRequest,
  EnqueueLimits,
  EnqueueMode,
  EnqueueReply,
  EnqueueRequest,
  EnqueueResult,
  ReportReply,
  ReportRequest,
  TaskBackend,
  TaskUpdate,
} from './backend';
export { EmbeddedTaskBackend } from './embedded-backend';
export type { EmbeddedBackendOptions } from './embedded-backend';
export { RedisTaskBackend } from './redis-backend';
export type { RedisBackendOptions } from './redis-backend';
export { createRemoteBackend, exposeBackend, TASK_COMMANDS } from './remote-backend';
export type { RemoteBackendOptions, TaskCommandHandlers, TaskTransport } from './remote-backend';

/* The application (arbiter + workers on the actor runtime) */
export { connectTaskQueue, REPLACE_EXIT_CODE, TaskQueue, taskWorkerId } from './task-queue-app';
export type { ConnectTaskQueueOptions, TaskQueueOptions } from './task-queue-app';

/* One-process assembly, JSON-RPC, settings */
export { createBackend, createTaskQueue, startMaintenance } from './task-queue';
export { loadJobRegistry } from './load-jobs';
export type { LocalTaskQueue, LocalTaskQueueOptions } from './task-queue';
export { TaskQueueRpc } from './rpc';
export { dedupeTaskId, randomTaskId } from './task-id';

/* Examples: pulsar's sample jobs, rebuilt (served by samples/taskqueue) */
export { exampleJobs } from './examples/jobs';
export {
  maxRedeliveries,
  taskBackend,
  taskBackpressure,
  taskConcurrency,
  taskHardTimeLimit,
  taskHighWaterMark,
  taskLease,
  taskQueueOptions,
  taskQueues,
  taskResultTtl,
  taskSoftTimeLimit,
  tasksPath,
} from './settings';

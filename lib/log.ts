/**
 * Levelled logging, one line per event, the actor's name in every line:
 *
 *     2026-11-25T12:00:00.123Z INFO  [arbiter] spawned worker(a1b2c3d4)
 *
 * Built on node's own facilities (`util.format`, a synchronous write to stderr) rather than pino:
 * log lines are rare events here (lifecycle, errors), never per request, and a synchronous write
 * keeps the order of lines from threads and processes that share one stderr, with no transport
 * worker of its own to supervise. `--log-level none` silences everything.
 */
import { format } from 'node:util';
import type { LogLevel } from './config/settings';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };
const LABEL: Record<Exclude<LogLevel, 'none'>, string> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' };

export interface Logger {
  readonly name: string;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  /** A logger with the same level and sink under another name. */
  child(name: string): Logger;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(line);
};

let globalLevel: LogLevel = (process.env.RXPULSAR_LOG_LEVEL as LogLevel | undefined) ?? 'info';
let globalSink: LogSink = stderrSink;

/** Sets the level (and optionally the sink) of every logger in this thread. */
export function configureLogging(level: LogLevel, sink?: LogSink): void {
  if (RANK[level] === undefined) return;
  globalLevel = level;
  if (sink) globalSink = sink;
}

export function logLevel(): LogLevel {
  return globalLevel;
}

export function createLogger(name: string): Logger {
  const emit = (level: Exclude<LogLevel, 'none'>, message: string, args: unknown[]): void => {
    if (RANK[level] < RANK[globalLevel]) return;
    globalSink(`${new Date().toISOString()} ${LABEL[level]} [${name}] ${format(message, ...args)}\n`);
  };
  return {
    name,
    debug: (message, ...args) => emit('debug', message, args),
    info: (message, ...args) => emit('info', message, args),
    warn: (message, ...args) => emit('warn', message, args),
    error: (message, ...args) => emit('error', message, args),
    child: (child) => createLogger(child),
  };
}

import { createStore, type Subscribable } from './subscribable';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogEntry = {
  readonly seq: number;
  readonly at: number;
  readonly level: LogLevel;
  readonly scope: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
};

export type Logger = Subscribable<readonly LogEntry[]> & {
  readonly log: (level: LogLevel, scope: string, message: string, data?: Record<string, unknown>) => void;
  readonly scoped: (scope: string) => ScopedLogger;
};

export type ScopedLogger = {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
};

export type LoggerOptions = {
  readonly capacity?: number;
  readonly now?: () => number;
  /** Where entries are echoed (the console in development); nothing by default. */
  readonly sink?: (entry: LogEntry) => void;
};

/** A structured ring-buffer logger: the dev panel reads it live, the console gets it in development. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const capacity = options.capacity ?? 200;
  const now = options.now ?? Date.now;
  const store = createStore<readonly LogEntry[]>([]);
  let seq = 0;
  const log: Logger['log'] = (level, scope, message, data) => {
    seq += 1;
    const entry: LogEntry = data === undefined
      ? { seq, at: now(), level, scope, message }
      : { seq, at: now(), level, scope, message, data };
    store.set((previous) => {
      const next = previous.length >= capacity ? previous.slice(previous.length - capacity + 1) : previous.slice();
      next.push(entry);
      return next;
    });
    options.sink?.(entry);
  };
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    log,
    scoped: (scope) => ({
      debug: (message, data) => log('debug', scope, message, data),
      info: (message, data) => log('info', scope, message, data),
      warn: (message, data) => log('warn', scope, message, data),
      error: (message, data) => log('error', scope, message, data),
    }),
  };
}

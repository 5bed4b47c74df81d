import type { ImportRequest, ImportResponse } from './import-protocol';

/*
 * Runs the import engine in a Web Worker where there is one, else on the main thread in slices of a
 * few milliseconds (component tests, very old browsers). Cancel ends the worker outright: parsing a
 * large file stops at once, and the next request starts a fresh one.
 */

export type ImportRunner = {
  readonly send: (request: ImportRequest) => void;
  /** Stops whatever is running; the next send starts again from nothing. */
  readonly cancel: () => void;
  readonly dispose: () => void;
};

/** A main-thread slice: short enough that input and painting keep up. */
const MAIN_THREAD_SLICE_MS = 8;

export function createImportRunner(onResponse: (response: ImportResponse) => void): ImportRunner {
  let worker: Worker | null = null;
  let generation = 0;
  let inline: Promise<(request: ImportRequest) => void> | null = null;
  let workerFailed = false;

  const startWorker = (): Worker | null => {
    if (typeof Worker !== 'function' || workerFailed) return null;
    try {
      const started = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module', name: 'import' });
      started.onmessage = (event: MessageEvent<ImportResponse>) => onResponse(event.data);
      started.onerror = (event) => {
        event.preventDefault();
        // A worker that cannot start or crashed: the next attempt runs on this thread instead.
        started.terminate();
        worker = null;
        workerFailed = true;
        onResponse({ type: 'failed', message: `The file reader stopped (${event.message || 'unknown error'}). Nothing was imported; try again.` });
      };
      return started;
    } catch {
      return null;
    }
  };

  const startInline = () => {
    const mine = generation;
    return import('./import-engine').then(({ createImportEngine }) => {
      let queue: Promise<void> = Promise.resolve();
      const engine = createImportEngine(
        (response) => {
          if (mine === generation) onResponse(response);
        },
        // A cancelled run stops at its next pause.
        () => new Promise((resolve, reject) => setTimeout(() => (mine === generation ? resolve() : reject(new Error('cancelled'))), 0)),
        MAIN_THREAD_SLICE_MS,
      );
      return (request: ImportRequest) => {
        queue = queue.then(() => (mine === generation ? engine.handle(request) : undefined));
      };
    });
  };

  return {
    send(request) {
      worker ??= startWorker();
      if (worker !== null) {
        worker.postMessage(request);
        return;
      }
      inline ??= startInline();
      void inline.then((send) => send(request));
    },
    cancel() {
      generation++;
      worker?.terminate();
      worker = null;
      inline = null;
    },
    dispose() {
      this.cancel();
    },
  };
}

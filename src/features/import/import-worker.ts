/// <reference lib="webworker" />
import { createImportEngine } from './import-engine';
import type { ImportRequest, ImportResponse } from './import-protocol';

/*
 * The import's parsing thread. Requests are handled one at a time, in order; the engine pauses
 * briefly between slices so a request that arrives mid-way waits its turn instead of interleaving.
 */

declare const self: DedicatedWorkerGlobalScope;

const engine = createImportEngine(
  (response: ImportResponse) => self.postMessage(response),
  () => new Promise((resolve) => setTimeout(resolve, 0)),
  200,
);

let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<ImportRequest>) => {
  queue = queue.then(() => engine.handle(event.data));
};

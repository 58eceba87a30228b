import { decide, type DecideTask, type Decision } from './decide.js';

/**
 * The entry of the webhook's review workers (piscina, src/webhook/server.ts): one decision per
 * task. The engine is synchronous; run here, a large review (a 1 MB HelmRelease) never holds up
 * /healthz, /readyz or other reviews on the server's event loop, and a review over its time
 * budget is cut off by ending its worker.
 */
export default function run(task: DecideTask): Decision {
  return decide(task);
}

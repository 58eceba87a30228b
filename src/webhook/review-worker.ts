import { admitText, type ReviewTextAnswer, type ReviewTextTask } from './admission.js';
import { decide, type DecideTask, type Decision } from './decide.js';

/**
 * The entry of the webhook's review workers (piscina, src/webhook/server.ts): one decision per
 * task. The engine is synchronous; run here, a large review (a 1 MB HelmRelease) never holds up
 * /healthz, /readyz or other reviews on the server's event loop, and a review over its time
 * budget is cut off by ending its worker.
 *
 * Two kinds of task: a {@link DecideTask} (the server parsed and triaged the review; the engine's
 * part runs here) and a {@link ReviewTextTask} (a large body: parsed, triaged and decided here,
 * src/webhook/admission.ts admitText).
 */
export default function run(task: DecideTask | ReviewTextTask): Decision | ReviewTextAnswer {
  return 'type' in task && task.type === 'review' ? admitText(task) : decide(task as DecideTask);
}

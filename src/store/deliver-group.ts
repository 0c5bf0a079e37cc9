import { errorMessage } from '../errors.js';
import { PublishError, type Delivery, type DeliveryOutcome } from '../publish/publisher.js';
import type { MessageRecord } from './message-store.js';
import { toOutboundMessage } from './to-outbound-message.js';

/**
 * Sends one delivery group (a phone message, or up to ten to one topic) and returns one outcome per
 * message, in order. `Delivery` promises not to throw; if it does anyway (a bug), or answers with the
 * wrong number of outcomes, the messages count a retryable failure, so backoff and `dead` still apply
 * instead of the rows waiting for their lease to expire.
 */
export async function deliverGroup(delivery: Delivery, group: readonly MessageRecord[]): Promise<DeliveryOutcome[]> {
  const outbound = group.map(toOutboundMessage);
  try {
    const first = outbound[0];
    const outcomes = outbound.length === 1 && first !== undefined ? [await delivery.send(first)] : await delivery.sendBatch(outbound);
    if (outcomes.length === group.length) return outcomes;
    throw new Error(`sendBatch answered ${outcomes.length} outcomes for ${group.length} messages`);
  } catch (err) {
    const error = new PublishError(`delivery threw: ${errorMessage(err)}`, {
      retryable: true,
      reason: 'server',
      errorName: err instanceof Error ? err.name : 'Error',
      cause: err,
    });
    return group.map(() => ({ status: 'failed', error }));
  }
}

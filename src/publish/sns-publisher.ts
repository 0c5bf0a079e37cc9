import type { SNSClient } from '@aws-sdk/client-sns';
import { CheckIfPhoneNumberIsOptedOutCommand, PublishBatchCommand, PublishCommand } from '@aws-sdk/client-sns';
import { classifyBatchEntryError, classifySnsError } from './classify-sns-error.js';
import { batchTopicArn, maxBatchEntries, toBatchEntries, toPublishInput } from './publish-input.js';
import type { BatchEntryResult, BatchPublisher, OutboundMessage, PublishReceipt } from './publisher.js';
import { PublishError } from './publisher.js';

/** The narrow SDK seam (`send` only) and the bound on each call. */
export interface SnsPublisherOptions {
  readonly client: Pick<SNSClient, 'send'>;
  /** Bound on one call, SDK retries and back-off included. */
  readonly callTimeoutMs: number;
}

/**
 * Runs one SDK call under our own bound on the whole call, combined with the caller's signal when there
 * is one. One controller and one timer, both released when the call ends: AbortSignal.timeout() and
 * AbortSignal.any() would leave a timer running for the full timeout and weak-reference bookkeeping
 * behind every publish (bench/README.md, history).
 */
async function withCallSignal<T>(timeoutMs: number, caller: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onCallerAbort = (): void => controller.abort(caller?.reason);
  if (caller?.aborted === true) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  timer.unref();
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
  }
}

function missing(what: string): PublishError {
  return new PublishError(`SNS answered without ${what}`, { retryable: true, reason: 'server', errorName: 'Unknown' });
}

/**
 * The SNS publisher: Publish, PublishBatch and CheckIfPhoneNumberIsOptedOut through the given client.
 * Each call is bounded by `callTimeoutMs`; failures are thrown as classified PublishErrors. It does
 * not retry (beyond the SDK's bounded retries), log or count.
 */
export function createSnsPublisher(options: SnsPublisherOptions): BatchPublisher {
  const { client, callTimeoutMs } = options;

  async function publish(message: OutboundMessage, signal?: AbortSignal): Promise<PublishReceipt> {
    try {
      const out = await withCallSignal(callTimeoutMs, signal, (abortSignal) => client.send(new PublishCommand(toPublishInput(message)), { abortSignal }));
      if (out.MessageId === undefined) throw missing('a MessageId');
      return { messageId: out.MessageId };
    } catch (err) {
      throw classifySnsError(err);
    }
  }

  async function publishChunk(topicArn: string, chunk: readonly OutboundMessage[], signal?: AbortSignal) {
    const entries = toBatchEntries(chunk);
    try {
      const out = await withCallSignal(callTimeoutMs, signal, (abortSignal) =>
        client.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }), { abortSignal }),
      );
      const ok = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId]));
      const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      return entries.map((entry): BatchEntryResult => {
        const messageId = ok.get(entry.Id);
        if (messageId !== undefined) return { ok: true, messageId };
        const failure = failed.get(entry.Id);
        return { ok: false, error: failure === undefined ? missing(`entry ${entry.Id}`) : classifyBatchEntryError(failure) };
      });
    } catch (err) {
      throw classifySnsError(err);
    }
  }

  async function publishBatch(messages: readonly OutboundMessage[], signal?: AbortSignal): Promise<BatchEntryResult[]> {
    if (messages.length === 0) return [];
    const topicArn = batchTopicArn(messages);
    const results: BatchEntryResult[] = [];
    for (let start = 0; start < messages.length; start += maxBatchEntries) {
      const chunk = messages.slice(start, start + maxBatchEntries);
      try {
        results.push(...(await publishChunk(topicArn, chunk, signal)));
      } catch (err) {
        // Earlier chunks were sent: report this chunk's entries as failed instead of losing those receipts.
        if (results.length === 0) throw err;
        const error = classifySnsError(err);
        results.push(...chunk.map((): BatchEntryResult => ({ ok: false, error })));
      }
    }
    return results;
  }

  async function isOptedOut(phoneNumber: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const out = await withCallSignal(callTimeoutMs, signal, (abortSignal) =>
        client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }), { abortSignal }),
      );
      return out.isOptedOut === true;
    } catch (err) {
      throw classifySnsError(err);
    }
  }

  return { name: 'sns', publish, publishBatch, isOptedOut };
}

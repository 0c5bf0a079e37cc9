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

/** Our own bound on the whole call, combined with the caller's signal when there is one. */
function callSignal(timeoutMs: number, caller: AbortSignal | undefined): AbortSignal {
  const own = AbortSignal.timeout(timeoutMs);
  return caller === undefined ? own : AbortSignal.any([caller, own]);
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
      const out = await client.send(new PublishCommand(toPublishInput(message)), {
        abortSignal: callSignal(callTimeoutMs, signal),
      });
      if (out.MessageId === undefined) throw missing('a MessageId');
      return { messageId: out.MessageId };
    } catch (err) {
      throw classifySnsError(err);
    }
  }

  async function publishChunk(topicArn: string, chunk: readonly OutboundMessage[], signal?: AbortSignal) {
    const entries = toBatchEntries(chunk);
    try {
      const out = await client.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }), {
        abortSignal: callSignal(callTimeoutMs, signal),
      });
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
      const out = await client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }), {
        abortSignal: callSignal(callTimeoutMs, signal),
      });
      return out.isOptedOut === true;
    } catch (err) {
      throw classifySnsError(err);
    }
  }

  return { name: 'sns', publish, publishBatch, isOptedOut };
}

import type { SNSClient } from '@aws-sdk/client-sns';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Registry } from 'prom-client';
import type { Config } from '../../../src/config/config.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createSnsClient } from '../../../src/publish/create-sns-client.js';
import type { OutboundMessage } from '../../../src/publish/publisher.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** `Config['publisher']` with the schema's defaults, validated like the real config. */
export function publisherConfig(overrides: DeepPartial<Config['publisher']> = {}): Config['publisher'] {
  return loadConfig({ publisher: overrides }, {}, { file: 'test' }).publisher;
}

/** Fresh metrics on their own registry, without process defaults. */
export function freshMetrics() {
  return createMetrics(new Registry(), { version: 'test', defaults: false });
}

/** The value of one labelled series (0 when absent). */
export async function valueOf(metric: Counter | Gauge, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return match?.value ?? 0;
}

/** How many observations a histogram series holds. */
export async function observations(metric: Histogram, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  const match = values.find(
    (v) => v.metricName?.endsWith('_count') === true && Object.entries(labels).every(([k, want]) => v.labels[k] === want),
  );
  return match?.value ?? 0;
}

export const testCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A real SNS client against a local endpoint, built the way production builds it. */
export function snsClientFor(endpoint: string, sns: Partial<Config['publisher']['sns']> = {}): SNSClient {
  const config = publisherConfig({ kind: 'sns', sns }).sns;
  return createSnsClient(config, { endpoint, region: 'us-east-1', credentials: testCredentials });
}


/** A phone message with sensible defaults. */
export function phoneMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-1',
    target: { kind: 'phone', phoneNumber: '+12065550100' },
    text: 'Your order #1001 has shipped.',
    sms: {},
    ...overrides,
  };
}

/** A topic message with sensible defaults. */
export function topicMessage(topicArn: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { id: 'msg-t', target: { kind: 'topic', topicArn }, text: 'Deploy finished', sms: {}, ...overrides };
}

// Baseline: a tight loop of `SNSClient.send(new PublishCommand(...))` against the local SNS server,
// `concurrency` loops at once, nothing else: the SDK's own limit on this machine. It runs as its own
// process, kept warm between rounds, and is driven over IPC:
//   parent → { run: { concurrency, durationMs } }   child → { result: SdkLoopResult }
// The client is built exactly as snsgate builds its own (createSnsClient with bench/snsgate.yaml's
// `publisher.sns`: keep-alive agent, timeouts, bounded retries); endpoint from AWS_ENDPOINT_URL_SNS.
import { readFileSync } from 'node:fs';
import { PublishCommand } from '@aws-sdk/client-sns';
import { loadConfigFile } from '../../src/config/load-config.js';
import { createSnsClient } from '../../src/publish/create-sns-client.js';
import { benchPhone } from '../lib/webhooks.js';
import { summarise, round } from '../lib/stats.js';

/** What one run of the loop measured. */
export interface SdkLoopResult {
  readonly rps: number;
  readonly served: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly durationS: number;
}

interface RunMessage {
  readonly run: { readonly concurrency: number; readonly durationMs: number };
}

const config = loadConfigFile(process.env.SNSGATE_CONFIG ?? 'bench/snsgate.yaml', process.env);
const client = createSnsClient(config.publisher.sns);
// The text snsgate renders for the order-shipped example, so both sides send the same bytes.
const text = readFileSync('templates/order-shipped/examples/ups-two-items.txt', 'utf8').trimEnd();
let n = 0;

async function run(concurrency: number, durationMs: number): Promise<SdkLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await client.send(
          new PublishCommand({
            PhoneNumber: benchPhone(n++),
            Message: text,
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        );
        latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const durationS = (performance.now() - started) / 1000;
  return { rps: round(latencies.length / durationS, 1), served: latencies.length, errors, ...summarise(latencies), durationS: round(durationS, 2) };
}

process.on('message', (message: RunMessage) => {
  void run(message.run.concurrency, message.run.durationMs).then((result) => process.send?.({ result }));
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });

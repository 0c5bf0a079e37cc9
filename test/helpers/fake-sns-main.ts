// Runs the fake SNS server as its own process for benchmarks and crash tests:
//   npx tsx test/helpers/fake-sns-main.ts [--port 4575] [--host 127.0.0.1] [--max-records 100000]
// Prints `{"url":"http://127.0.0.1:4575"}` as its first stdout line; drive it through /__control/*.
import { parseArgs } from 'node:util';
import { startFakeSns } from './fake-sns-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.FAKE_SNS_PORT ?? '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'max-records': { type: 'string', default: '100000' },
  },
});

const fake = await startFakeSns({ port: Number(values.port), host: values.host, maxRecords: Number(values['max-records']) });
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);

const stop = (): void => {
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

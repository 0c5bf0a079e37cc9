import { Registry } from 'prom-client';
import { loadConfig } from '../../../src/config/load-config.js';
import { createService } from '../../../src/create-service.js';
import { createHttpServer } from '../../../src/http/create-http-server.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { shippedSources, testEnv, type TestService } from '../../helpers/test-service.js';

/**
 * Like `startTestService` (dry-run, in-memory SQLite, shipped sources), but with the environment
 * exactly as given: `startTestService` always merges `testEnv`, so it cannot start a service with
 * a secret variable really absent (an empty value is a different case).
 */
export async function startServiceWithout(variables: readonly string[]): Promise<TestService> {
  const env: Record<string, string> = Object.fromEntries(Object.entries(testEnv).filter(([name]) => !variables.includes(name)));
  const config = loadConfig(
    {
      log: { level: 'debug' },
      sources: shippedSources,
      templates: { dirs: ['templates'], overrides: { alertmanager: { toEnv: 'ALERT_SMS_TO' }, grafana: { toEnv: 'ALERT_SMS_TO' } } },
      store: { url: 'sqlite::memory:' },
      dispatcher: { pollIntervalMs: 50 },
    },
    {},
    { file: 'test-config' },
  );
  const { logger, lines } = createMemoryLogger('debug');
  const service = await createService({ configPath: 'config/snsgate.yaml', env, logger, config, registry: new Registry() });
  const http = await createHttpServer(service.app.callback(), { ...config.server, host: '127.0.0.1', port: 0 });
  service.start();
  const url = `http://127.0.0.1:${http.port}`;
  return {
    service,
    url,
    http,
    logs: lines,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async close() {
      await http.close(2000);
      await service.stop();
    },
  };
}

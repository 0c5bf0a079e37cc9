import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig, loadConfigFile } from '../../../src/config/load-config.js';
import { GatewayError } from '../../../src/errors.js';

const origin = { file: 'test.yaml' };

function failure(run: () => unknown): GatewayError {
  try {
    run();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a config error');
}

function writeTemp(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'snsgate-config-'));
  const path = join(dir, 'snsgate.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadConfig()', () => {
  it('fills every default from the schema when given nothing', () => {
    const config = loadConfig({}, {}, origin);
    expect(config.server.port).to.equal(3000);
    expect(config.server.bodyLimitBytes).to.equal(262144);
    expect(config.publisher.kind).to.equal('dry-run');
    expect(config.store.url).to.equal('sqlite:data/snsgate.db');
    expect(config.limits.perClient).to.deep.equal({ points: 100, durationSeconds: 900 });
  });

  it('returns a frozen config', () => {
    const config = loadConfig({}, {}, origin);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.server)).to.equal(true);
  });

  const envCases: { name: string; env: Record<string, string>; check: (c: ReturnType<typeof loadConfig>) => unknown; expected: unknown }[] = [
    { name: 'PORT', env: { PORT: '8080' }, check: (c) => c.server.port, expected: 8080 },
    { name: 'LOG_LEVEL', env: { LOG_LEVEL: 'debug' }, check: (c) => c.log.level, expected: 'debug' },
    { name: 'DATABASE_URL', env: { DATABASE_URL: 'postgres://u@h/db' }, check: (c) => c.store.url, expected: 'postgres://u@h/db' },
    { name: 'SNSGATE_PUBLISHER', env: { SNSGATE_PUBLISHER: 'sns' }, check: (c) => c.publisher.kind, expected: 'sns' },
    { name: 'METRICS_PORT', env: { METRICS_PORT: '9100' }, check: (c) => c.metrics.port, expected: 9100 },
    { name: 'SNSGATE_TEMPLATES_DIR', env: { SNSGATE_TEMPLATES_DIR: '/srv/t' }, check: (c) => c.templates.dirs, expected: ['/srv/t'] },
  ];
  for (const tc of envCases) {
    it(`takes ${tc.name} from the environment over the file`, () => {
      const config = loadConfig({ server: { port: 1 }, log: { level: 'warn' } }, tc.env, origin);
      expect(tc.check(config)).to.deep.equal(tc.expected);
    });
  }

  const badCases: { name: string; raw: unknown; env?: Record<string, string>; says: string[] }[] = [
    { name: 'an unknown key', raw: { server: { prot: 1 } }, says: ['server.prot', 'not a known key'] },
    { name: 'an unknown section', raw: { sever: {} }, says: ['sever', 'not a known key'] },
    { name: 'a wrong type', raw: { server: { port: 'x' } }, says: ['server.port', 'must be integer'] },
    { name: 'a bad enum', raw: { publisher: { kind: 'smtp' } }, says: ['publisher.kind', '"dry-run", "sns"'] },
    { name: 'a bad env override', raw: {}, env: { PORT: 'eighty' }, says: ['server.port', 'environment variable PORT'] },
    {
      name: 'an inline secret',
      raw: { sources: { s: { scheme: 'github', secrets: [{ value: 'x' }] } } },
      says: ['sources.s.secrets.0'],
    },
    { name: 'an unknown scheme', raw: { sources: { s: { scheme: 'md5', secrets: [{ env: 'X' }] } } }, says: ['sources.s.scheme'] },
    { name: 'a bad store url', raw: { store: { url: 'mysql://x' } }, says: ['store.url'] },
  ];
  for (const tc of badCases) {
    it(`refuses ${tc.name}, naming the file and the key`, () => {
      const err = failure(() => loadConfig(tc.raw, tc.env ?? {}, origin));
      expect(err.code).to.equal('SNSGATE_CONFIG_INVALID');
      expect(err.message).to.include('test.yaml');
      for (const text of tc.says) expect(err.message).to.include(text);
    });
  }

  it('lists every problem at once', () => {
    const err = failure(() => loadConfig({ server: { port: 'x', host: 5 }, log: { level: 'loud' } }, {}, origin));
    expect(err.errors?.length).to.equal(3);
  });
});

describe('loadConfigFile()', () => {
  it('names the line of the bad key in the YAML file', () => {
    const path = writeTemp('server:\n  port: 3000\n  bodyLimitByte: 10\n');
    const err = failure(() => loadConfigFile(path, {}));
    expect(err.message).to.include(`${path}:3`);
    expect(err.message).to.include('server.bodyLimitByte');
  });

  it('names the line of a YAML syntax error', () => {
    const path = writeTemp('server:\n  port: [3000\nlog: {}\n');
    const err = failure(() => loadConfigFile(path, {}));
    expect(err.message).to.match(new RegExp(`${path}:\\d`));
  });

  it('says when the file cannot be read', () => {
    const err = failure(() => loadConfigFile('/nonexistent/snsgate.yaml', {}));
    expect(err.message).to.include('cannot read the config file (ENOENT)');
  });

  it('loads the shipped config/snsgate.yaml', () => {
    const config = loadConfigFile('config/snsgate.yaml', {});
    expect(Object.keys(config.sources)).to.include.members(['alertmanager', 'grafana', 'shopify', 'stripe', 'orders']);
    expect(config.publisher.kind).to.equal('dry-run');
  });
});

import { expect } from 'chai';
import { startTestService, type TestService } from '../../helpers/test-service.js';
import { jsonAnswer, keys, namedKeysConfig, postJson, problem, tutorialKey } from './api-kit.js';

interface ReloadAnswer {
  readonly status: string;
  readonly ok: boolean;
  readonly templates: string[];
  readonly sources: string[];
  readonly restartRequired: string[];
}

describe('POST /-/reload', () => {
  let t: TestService;

  before(async () => {
    t = await startTestService({ config: namedKeysConfig });
  });
  after(async () => {
    await t.close();
  });

  // A reload swaps in config/snsgate.yaml (no named keys), so it gets a service of its own.
  it('reloads config and templates for an admin key and answers 200 with what is loaded', async () => {
    const own = await startTestService({ config: namedKeysConfig });
    try {
      const answer = await jsonAnswer<ReloadAnswer>(await postJson(own, '/-/reload', '', { 'x-api-key': keys.admin }), 200);
      expect(answer).to.include({ status: 'reloaded', ok: true });
      expect([...answer.templates].sort()).to.deep.equal(['alertmanager', 'grafana', 'mms', 'order-shipped', 'shopify-order-created', 'stripe-payment-succeeded']);
      expect([...answer.sources].sort()).to.deep.equal(['alertmanager', 'grafana', 'orders', 'shopify', 'stripe']);
      expect(answer.restartRequired).to.be.an('array');
      expect(own.logs().find((l) => l.message === 'reloaded config and templates')).to.include({ trigger: 'http' });
    } finally {
      await own.close();
    }
  });

  for (const [who, headers, status, code] of [
    ['the tutorial key (send and read)', { 'x-api-key': tutorialKey }, 403, 'SNSGATE_AUTH_FORBIDDEN'],
    ['a read-only key', { 'x-api-key': keys.reader }, 403, 'SNSGATE_AUTH_FORBIDDEN'],
    ['no key', {}, 401, 'SNSGATE_AUTH_REQUIRED'],
  ] as const) {
    it(`answers ${status} to ${who} and reloads nothing`, async () => {
      await problem(await postJson(t, '/-/reload', '', headers), status, code);
      expect(t.logs().map((l) => l.message)).to.not.include('reloaded config and templates');
    });
  }
});

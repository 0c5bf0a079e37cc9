import { expect } from 'chai';
import type { TemplateOverride } from '../../../src/config/config.js';
import { GatewayError } from '../../../src/errors.js';
import { checkTemplates } from '../../../src/templates/check-templates.js';
import { loadTemplates } from '../../../src/templates/load-templates.js';
import type { TemplatePlugin } from '../../../src/templates/template-plugin.js';
import { writePlugins } from './write-plugins.js';

const alertManifest = `description: alerts
to: []
sms:
  smsType: Transactional
  senderId: Acme
maxSegments: 3
`;

async function load(overrides: Record<string, TemplateOverride>, env: NodeJS.ProcessEnv = {}): Promise<TemplatePlugin> {
  const root = await writePlugins({ alerts: { manifest: alertManifest } });
  const plugin = (await loadTemplates({ dirs: [root], overrides, env, knownSources: [] })).get('alerts');
  if (plugin === undefined) throw new Error('not loaded');
  return plugin;
}

function phones(plugin: TemplatePlugin): string[] {
  return plugin.render({ name: 'Ada' }).messages.map((m) => (m.target.kind === 'phone' ? m.target.phoneNumber : m.target.topicArn));
}

describe('template overrides', () => {
  it('reads recipients from the comma-separated variable named by toEnv', async () => {
    const plugin = await load({ alerts: { toEnv: 'ALERT_SMS_TO' } }, { ALERT_SMS_TO: ' +12065550100, +447400123456,,+12065550100 ' });
    expect(phones(plugin)).to.deep.equal(['+12065550100', '+447400123456']);
    expect(plugin.manifest.to).to.deep.equal(['+12065550100', '+447400123456', '+12065550100']);
  });

  it('answers SNSGATE_TEMPLATE_UNCONFIGURED naming the variable when it is unset', async () => {
    const plugin = await load({ alerts: { toEnv: 'ALERT_SMS_TO' } });
    expect(() => plugin.render({ name: 'Ada' }))
      .to.throw(GatewayError, 'template alerts has no recipients: set ALERT_SMS_TO (comma-separated E.164 numbers) or templates.overrides.alerts.to')
      .with.property('code', 'SNSGATE_TEMPLATE_UNCONFIGURED');
  });

  it('stops the load on a toEnv entry that is not a number or a topic, without echoing it', async () => {
    const root = await writePlugins({ alerts: { manifest: alertManifest } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: { alerts: { toEnv: 'ALERT_SMS_TO' } }, env: { ALERT_SMS_TO: '+12065550100,206-555-0101' }, knownSources: [], configFile: 'config/snsgate.yaml' });
    expect(problems).to.deep.equal(['config/snsgate.yaml: templates.overrides.alerts.toEnv: ALERT_SMS_TO entry 2 is not an E.164 number or an SNS topic ARN']);
  });

  it('adds override.to to the variable’s numbers, both replacing the manifest’s', async () => {
    const plugin = await load({ alerts: { to: ['arn:aws:sns:us-east-1:123456789012:oncall'], toEnv: 'ALERT_SMS_TO' } }, { ALERT_SMS_TO: '+12065550100' });
    expect(phones(plugin)).to.deep.equal(['arn:aws:sns:us-east-1:123456789012:oncall', '+12065550100']);
  });

  it('merges sms settings over the manifest’s and replaces limits and delivery', async () => {
    const plugin = await load({ alerts: { to: ['+12065550100'], sms: { smsType: 'Promotional', maxPrice: 0.05 }, maxSegments: 1, overflow: 'truncate', encoding: 'gsm7', delivery: 'sync' } });
    expect(plugin.manifest).to.deep.include({ maxSegments: 1, overflow: 'truncate', encoding: 'gsm7', delivery: 'sync' });
    expect(plugin.manifest.sms).to.deep.equal({ smsType: 'Promotional', senderId: 'Acme', maxPrice: 0.05 });
    expect(plugin.render({ name: 'Ada' }).messages[0]?.attributes).to.deep.equal(plugin.manifest.sms);
  });

  it('skips a folder disabled with enabled: false, even a broken one', async () => {
    const root = await writePlugins({ alerts: { manifest: alertManifest }, broken: { body: '{{#if}}' } });
    const set = await loadTemplates({ dirs: [root], overrides: { broken: { enabled: false }, alerts: { to: ['+12065550100'] } }, env: {}, knownSources: [] });
    expect(set.list().map((p) => p.id)).to.deep.equal(['alerts']);
  });

  it('stops the load on an override for a template that does not exist', async () => {
    const root = await writePlugins({ alerts: { manifest: alertManifest } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: { alertmanger: { toEnv: 'ALERT_SMS_TO' } }, env: {}, knownSources: [] });
    expect(problems).to.deep.equal([`config: templates.overrides.alertmanger: no template folder named alertmanger in ${root}`]);
  });

  it('compiles override recipients as expressions and reports their errors', async () => {
    const root = await writePlugins({ alerts: { manifest: alertManifest } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: { alerts: { to: ['{{shout name}}'] } }, env: {}, knownSources: [] });
    expect(problems).to.deep.equal(['config: templates.overrides.alerts.to[0]: You specified knownHelpersOnly, but used the unknown helper shout']);
  });
});

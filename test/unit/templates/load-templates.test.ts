import { expect } from 'chai';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../../../src/errors.js';
import { checkTemplates } from '../../../src/templates/check-templates.js';
import { loadTemplates } from '../../../src/templates/load-templates.js';
import { writePlugins } from './write-plugins.js';

const fixtures = 'test/fixtures/templates';
const knownSources = ['orders'];

async function isolate(folder: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'snsgate-broken-'));
  await cp(join(fixtures, folder), join(root, folder), { recursive: true });
  return root;
}

async function loadError(dirs: string[]): Promise<GatewayError> {
  try {
    await loadTemplates({ dirs, overrides: {}, env: {}, knownSources });
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('loadTemplates did not throw');
}

describe('loadTemplates()', () => {
  // Each broken plugin folder, alone, stops the load naming its file (and line) and the reason.
  const broken: [string, string, RegExp][] = [
    ['broken-bad-yaml', 'template.yaml:4', /YAML /],
    ['broken-unknown-key', 'template.yaml:4', /"recipients" is not a known key/],
    ['broken-sms-attribute', 'template.yaml:4', /"AWS\.SNS\.SMS\.SenderID" is an SNS attribute: set sms\.senderId instead/],
    ['broken-sms-attribute', 'template.yaml:5', /sms\.originationNumber must be 5 to 14 digits/],
    ['broken-schema-compile', 'schema.json', /the schema does not compile: strict mode: unknown keyword: "requried"/],
    ['broken-schema-json', 'schema.json:5', /not valid JSON/],
    ['broken-unbounded-pattern', 'schema.json', /\/properties\/name uses pattern or format without maxLength/],
    ['broken-unknown-helper', 'message.hbs:2', /unknown helper shout/],
    ['broken-syntax', 'message.hbs:4', /syntax error: Expecting/],
    ['broken-golden-mismatch', 'examples/basic.txt', /does not match the rendered text: first difference on line 1: expected "Hello Ada!", rendered "Hello Ada"/],
    ['broken-invalid-example-validates', 'examples/invalid-name-too-long.json', /is named invalid-\* but schema\.json accepts it/],
    ['broken-unknown-source', 'template.yaml:3', /source "jira" is not a source in the config \(known: orders\)/],
    ['broken-missing-field', 'examples/basic.json', /message\.hbs line 1: missing field "code"/],
    ['broken-missing-message', 'message.hbs', /missing \(a plugin needs template\.yaml, schema\.json and message\.hbs\)/],
    ['broken-recipient', 'template.yaml:3', /to\[0\]: not an E\.164 number, an SNS topic ARN or a \{\{…\}\} expression/],
    ['broken-recipient', 'template.yaml:4', /to\[1\]: syntax error/],
  ];
  for (const [folder, place, reason] of broken) {
    it(`stops on ${folder} naming ${place}`, async () => {
      const root = await isolate(folder);
      const err = await loadError([root]);
      expect(err.code).to.equal('SNSGATE_TEMPLATE_INVALID');
      const line = err.message.split('\n').find((l) => l.includes(`${join(root, folder, place)}:`));
      expect(line, err.message).to.not.equal(undefined);
      expect(line).to.match(reason);
    });
  }

  it('collects every problem of every plugin before stopping, one line each', async () => {
    const { templates, problems } = await checkTemplates({ dirs: [fixtures], overrides: {}, env: {}, knownSources });
    expect(templates).to.equal(undefined);
    const folders = new Set(problems.map((p) => p.slice(fixtures.length + 1).split('/')[0]));
    expect([...folders].sort()).to.deep.equal([...new Set(broken.map(([f]) => f))].sort());
    const err = await loadError([fixtures]);
    expect(err.message).to.match(/^template plugins are not valid \(\d+ problems\):\n {2}- /);
    expect(err.message.split('\n')).to.have.length(problems.length + 1);
  });

  it('loads good plugins, listed in id order', async () => {
    const root = await writePlugins({ zeta: {}, alpha: { examples: { 'ada.json': '{"name":"Ada"}', 'ada.txt': 'Hello Ada' } } });
    const set = await loadTemplates({ dirs: [root], overrides: {}, env: {}, knownSources });
    expect(set.list().map((p) => p.id)).to.deep.equal(['alpha', 'zeta']);
    expect(set.get('alpha')?.examples).to.deep.equal([{ name: 'ada', valid: true, payload: { name: 'Ada' }, expectedText: 'Hello Ada' }]);
    expect(set.get('missing')).to.equal(undefined);
  });

  it('fills manifest defaults', async () => {
    const root = await writePlugins({ plain: {} });
    const manifest = (await loadTemplates({ dirs: [root], overrides: {}, env: {}, knownSources })).get('plain')?.manifest;
    expect(manifest).to.deep.equal({
      description: 'test plugin',
      to: ['+12065550100'],
      allowRecipientOverride: false,
      sms: { smsType: 'Transactional' },
      maxSegments: 6,
      overflow: 'reject',
      encoding: 'auto',
    });
  });

  it('refuses folder names that are not kebab-case and ids found in two folders', async () => {
    const a = await writePlugins({ Shout_Out: {}, twice: {} });
    const b = await writePlugins({ twice: {} });
    const { problems } = await checkTemplates({ dirs: [a, b], overrides: {}, env: {}, knownSources });
    expect(problems).to.deep.equal([
      `${join(a, 'Shout_Out')}: the folder name is the template id and must be kebab-case (a-z, 0-9, -)`,
      `${join(b, 'twice')}: template id twice is also ${join(a, 'twice')}`,
    ]);
  });

  it('reports a templates folder that cannot be read', async () => {
    const { problems } = await checkTemplates({ dirs: ['/nonexistent/snsgate-templates'], overrides: {}, env: {}, knownSources });
    expect(problems).to.deep.equal(['/nonexistent/snsgate-templates: cannot read the templates folder (ENOENT)']);
  });

  it('refuses partials and decorators, which plain SMS templates cannot use', async () => {
    const root = await writePlugins({ partial: { body: 'Hi\n{{> footer}}\n' } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: {}, env: {}, knownSources });
    expect(problems).to.deep.equal([`${join(root, 'partial', 'message.hbs')}: partials ({{> name}}) are not supported`]);
  });

  it('requires India DLT ids to come together with a sender id', async () => {
    const root = await writePlugins({ india: { manifest: 'description: x\nto: ["+919876543210"]\nsms:\n  entityId: "1101456789012345678"\n' } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: {}, env: {}, knownSources });
    expect(problems).to.deep.equal([`${join(root, 'india', 'template.yaml')}: sms.entityId and sms.templateId (India DLT) go together, with the registered sms.senderId`]);
  });

  it('reports a golden without its example and an example that is not JSON, with its line', async () => {
    const root = await writePlugins({ probe: { examples: { 'orphan.txt': 'Hello', 'bad.json': '{\n  "name": "Ada",\n}\n' } } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: {}, env: {}, knownSources });
    const examples = join(root, 'probe', 'examples');
    expect(problems).to.have.length(2);
    expect(problems[0]).to.equal(`${join(examples, 'orphan.txt')}: a golden without a valid example orphan.json`);
    expect(problems[1]).to.match(new RegExp(`^${join(examples, 'bad.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not valid JSON`));
  });

  it('catches {{field}} shadowed by a helper of the same name when an example renders', async () => {
    const schema = { type: 'object', properties: { phone: { type: 'string', maxLength: 20 } }, required: ['phone'] };
    const root = await writePlugins({ probe: { schema, body: 'Call {{phone}}', examples: { 'a.json': '{"phone":"+12065550100"}' } } });
    const { problems } = await checkTemplates({ dirs: [root], overrides: {}, env: {}, knownSources });
    expect(problems).to.deep.equal([
      `${join(root, 'probe', 'examples', 'a.json')}: template probe: message.hbs: helper phone: needs a value; to show the field "phone" write {{this.phone}}`,
    ]);
  });
});

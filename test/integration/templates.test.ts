import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load-config.js';
import { analyzeSms } from '../../src/sms/analyze-sms.js';
import { checkPhoneNumber } from '../../src/sms/check-phone-number.js';
import { loadTemplates } from '../../src/templates/load-templates.js';
import type { TemplatePlugin, TemplateSet } from '../../src/templates/template-plugin.js';

// Every folder under templates/ and every example in it becomes tests here, with no code per template.
const templatesDir = 'templates';
const env = { ALERT_SMS_TO: '+12065550100,+447400123456' };
const config = loadConfigFile('config/snsgate.yaml', env);
const folders = readdirSync(templatesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

function examplesOf(id: string): { name: string; payload: unknown; golden: string | undefined }[] {
  const dir = join(templatesDir, id, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -5);
      const golden = join(dir, `${name}.txt`);
      return { name, payload: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown, golden: existsSync(golden) ? readFileSync(golden, 'utf8') : undefined };
    });
}

describe('built-in templates', () => {
  let set: TemplateSet;
  const plugin = (id: string): TemplatePlugin => {
    const found = set.get(id);
    if (found === undefined) throw new Error(`template ${id} not loaded`);
    return found;
  };

  before(async () => {
    set = await loadTemplates({
      dirs: [templatesDir],
      overrides: config.templates.overrides,
      env,
      knownSources: Object.keys(config.sources),
      configFile: 'config/snsgate.yaml',
    });
  });

  it('load with the shipped config, every folder a plugin', () => {
    expect(set.list().map((p) => p.id)).to.deep.equal(folders);
  });

  for (const id of folders) {
    describe(id, () => {
      const examples = examplesOf(id);
      const valid = examples.filter((e) => !e.name.startsWith('invalid-'));
      const invalid = examples.filter((e) => e.name.startsWith('invalid-'));

      it('ships at least two valid examples with goldens and one invalid example', () => {
        expect(valid.filter((e) => e.golden !== undefined)).to.have.length.of.at.least(2);
        expect(invalid).to.have.length.of.at.least(1);
      });

      for (const example of valid) {
        it(`validates, renders and matches the golden of ${example.name}`, () => {
          const p = plugin(id);
          expect(p.validate(example.payload)).to.deep.equal([]);
          const { messages } = p.render(example.payload);
          expect(messages).to.not.have.length(0);
          for (const message of messages) {
            if (example.golden !== undefined) expect(message.text).to.equal(example.golden);
            expect(message.sms).to.deep.equal(analyzeSms(message.text));
            expect(message.sms.segments).to.be.at.most(p.manifest.maxSegments);
            if (message.target.kind === 'phone') expect(checkPhoneNumber(message.target.phoneNumber, []).ok, message.target.phoneNumber).to.equal(true);
          }
        });
      }

      for (const example of invalid) {
        it(`rejects ${example.name} with JSON pointers`, () => {
          const errors = plugin(id).validate(example.payload);
          expect(errors).to.not.have.length(0);
          for (const error of errors) expect(error.pointer === '' || error.pointer.startsWith('/')).to.equal(true);
        });
      }
    });
  }
});

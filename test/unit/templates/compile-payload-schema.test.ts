import { expect } from 'chai';
import type { FieldError } from '../../../src/errors.js';
import { compilePayloadSchema } from '../../../src/templates/compile-payload-schema.js';

const schema = {
  type: 'object',
  properties: {
    phoneNumber: { type: 'string', pattern: '^\\+[1-9]\\d{1,14}$', maxLength: 16 },
    mediaUrl: { type: 'string', format: 'uri', maxLength: 100 },
    kind: { type: 'string', enum: ['a', 'b'] },
    version: { type: 'string', const: '4' },
    items: { type: 'array', items: { type: 'object', properties: { 'sku/id': { type: 'string', maxLength: 10 } }, required: ['sku/id'] } },
  },
  required: ['phoneNumber', 'mediaUrl'],
  additionalProperties: false,
};

function validator(s: unknown = schema): (payload: unknown) => FieldError[] {
  const result = compilePayloadSchema(s, 'schema.json');
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.validate;
}

describe('compilePayloadSchema()', () => {
  it('accepts a valid payload with no errors', () => {
    expect(validator()({ phoneNumber: '+12065551234', mediaUrl: 'https://x.co/a.png' })).to.deep.equal([]);
  });

  it('returns every failing field with its JSON pointer, rule and a readable message', () => {
    const errors = validator()({ phoneNumber: '206-555', kind: 'c', version: '3', extra: 1, items: [{}] });
    expect(errors).to.deep.equal([
      { pointer: '/mediaUrl', rule: 'required', message: 'is required' },
      { pointer: '/extra', rule: 'additionalProperties', message: 'is not an allowed property' },
      { pointer: '/phoneNumber', rule: 'pattern', message: 'must match pattern "^\\+[1-9]\\d{1,14}$"' },
      { pointer: '/kind', rule: 'enum', message: 'must be one of "a", "b"' },
      { pointer: '/version', rule: 'const', message: 'must be "4"' },
      { pointer: '/items/0/sku~1id', rule: 'required', message: 'is required' },
    ]);
  });

  it('does not run a pattern or format on a string already over its maxLength', () => {
    const errors = validator()({ phoneNumber: `+${'1'.repeat(100_000)}`, mediaUrl: `https://x.co/${'a'.repeat(200)}` });
    expect(errors).to.deep.equal([
      { pointer: '/phoneNumber', rule: 'maxLength', message: 'must NOT have more than 16 characters' },
      { pointer: '/mediaUrl', rule: 'maxLength', message: 'must NOT have more than 100 characters' },
    ]);
  });

  it('returns at most 20 errors', () => {
    const many = { type: 'object', properties: {}, additionalProperties: false };
    const payload = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(validator(many)(payload)).to.have.length(20);
  });

  it('refuses a schema that is not an object, does not compile, or leaves a pattern unbounded', () => {
    expect(compilePayloadSchema([], 'schema.json')).to.deep.equal({ ok: false, problems: ['schema.json: must be a JSON Schema object'] });
    const typo = compilePayloadSchema({ type: 'object', requried: ['x'] }, 'schema.json');
    expect(!typo.ok && typo.problems).to.deep.equal(['schema.json: the schema does not compile: strict mode: unknown keyword: "requried"']);
    const unbounded = compilePayloadSchema({ type: 'object', properties: { at: { type: 'string', format: 'date-time' } } }, 'schema.json');
    expect(!unbounded.ok && unbounded.problems).to.deep.equal(['schema.json: /properties/at uses pattern or format without maxLength (bound every checked string)']);
  });
});

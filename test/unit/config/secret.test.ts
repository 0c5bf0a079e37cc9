import { inspect } from 'node:util';
import { expect } from 'chai';
import { Secret } from '../../../src/config/secret.js';
import { resolveSecret } from '../../../src/config/resolve-secret.js';

describe('Secret', () => {
  it('prints as <secret> in strings, JSON and util.inspect', () => {
    const s = new Secret('hunter2');
    expect(String(s)).to.equal('<secret>');
    expect(JSON.stringify({ s })).to.equal('{"s":"<secret>"}');
    expect(inspect({ s })).to.not.include('hunter2');
    expect(s.reveal()).to.equal('hunter2');
  });
});

describe('resolveSecret()', () => {
  it('reads an environment variable and trims it', () => {
    const r = resolveSecret({ env: 'TOKEN' }, { TOKEN: ' abc \n' });
    expect(r.ok && r.secret.reveal()).to.equal('abc');
  });

  it('is not ok when the variable is unset or empty, naming the variable', () => {
    const unset = resolveSecret({ env: 'TOKEN' }, {});
    const empty = resolveSecret({ env: 'TOKEN' }, { TOKEN: '  ' });
    expect(unset).to.deep.include({ ok: false, why: 'TOKEN is not set' });
    expect(empty.ok).to.equal(false);
  });

  it('reads a file, and reports an unreadable one by its error code', () => {
    const ok = resolveSecret({ file: '/run/secrets/x' }, {}, () => 'from-file\n');
    expect(ok.ok && ok.secret.reveal()).to.equal('from-file');
    const missing = resolveSecret({ file: '/nonexistent/snsgate-secret' }, {});
    expect(missing).to.deep.include({ ok: false, why: '/nonexistent/snsgate-secret cannot be read (ENOENT)' });
  });
});

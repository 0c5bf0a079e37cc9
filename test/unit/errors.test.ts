import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { errorCatalogue, type ErrorCode } from '../../src/errors.js';

/** Codes that only stop the start (or `snsgate check`); README shows their status as `—`. */
const startUpOnly: readonly ErrorCode[] = ['SNSGATE_CONFIG_INVALID', 'SNSGATE_TEMPLATE_INVALID'];

/** The `## Errors` table of README.md: code (in backticks, first column) → status text (second column). */
function readmeErrorTable(): Map<string, string> {
  if (!existsSync('README.md')) throw new Error('README.md does not exist yet');
  const text = readFileSync('README.md', 'utf8');
  const start = text.search(/^## Errors\s*$/m);
  if (start < 0) throw new Error('README.md has no "## Errors" section');
  const rest = text.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => /^#{1,2} /.test(line));
  const table = new Map<string, string>();
  for (const line of end < 0 ? rest : rest.slice(0, end)) {
    const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
    const code = /^`([A-Z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (code === undefined) continue;
    if (table.has(code)) throw new Error(`README.md lists ${code} twice`);
    table.set(code, cells[1] ?? '');
  }
  return table;
}

describe('error catalogue and README.md', () => {
  it("lists every catalogue code in README's error table with the same HTTP status", () => {
    const table = readmeErrorTable();
    const mismatches = Object.entries(errorCatalogue).flatMap(([code, entry]) => {
      const expected = startUpOnly.includes(code as ErrorCode) ? '—' : String(entry.status);
      const shown = table.get(code);
      return shown === expected ? [] : [`${code}: README ${shown === undefined ? 'has no row' : `says ${shown}`}, catalogue ${expected}`];
    });
    expect(mismatches).to.deep.equal([]);
  });

  it("has no code in README's error table that the catalogue does not know", () => {
    const unknown = [...readmeErrorTable().keys()].filter((code) => !(code in errorCatalogue));
    expect(unknown).to.deep.equal([]);
  });

  it('keeps codes in the SNSGATE_… form and statuses within 4xx/5xx', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(code).to.match(/^SNSGATE_[A-Z]+(_[A-Z]+)*$/);
      expect(entry.status).to.be.within(400, 599);
      expect(entry.title).to.not.equal('');
    }
  });
});

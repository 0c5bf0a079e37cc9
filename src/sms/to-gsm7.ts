import { gsm7Alphabet } from './gsm7-alphabet.js';

// Typographic characters that force UCS-2, each with its closest GSM-7 spelling.
const replacements: Readonly<Record<string, string>> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '\u02BC': "'", '`': "'", '\u00B4': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u2033': '"', '\u00AB': '"', '\u00BB': '"',
  '\u2039': '<', '\u203A': '>',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...',
  '\u2022': '-', '\u2023': '-', '\u25E6': '-', '\u2043': '-', '\u2219': '-', '\u00B7': '-',
  '\t': ' ', '\u2028': '\n', '\u2029': '\n', '\u000B': '\n',
  '\u00D7': 'x', '\u00F7': '/', '\u2044': '/',
  '\u2122': 'TM', '\u00A9': '(c)', '\u00AE': '(R)', '\u00B0': ' deg',
  '\u00BD': '1/2', '\u00BC': '1/4', '\u00BE': '3/4',
  '\u2264': '<=', '\u2265': '>=', '\u2260': '!=', '\u2248': '~',
  '\u2192': '->', '\u2190': '<-', '\u21D2': '=>', '\u2194': '<->',
  '\u0142': 'l', '\u0141': 'L', '\u0111': 'd', '\u0110': 'D', '\u0153': 'oe', '\u0152': 'OE', '\u00FE': 'th', '\u00DE': 'Th',
  '\u00F0': 'd', '\u0131': 'i',
};

// Unusual spaces become a plain space; invisible characters go away.
const spaces = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu;
const invisible = /[\u00AD\u200B-\u200D\u2060\uFEFF]/gu;

function transliterate(char: string): string {
  const mapped = replacements[char];
  if (mapped !== undefined) return mapped;
  // Letters with accents GSM-7 lacks (á, ê, ō…) keep their base letter.
  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  if (base !== '' && Array.from(base).every((c) => gsm7Alphabet.septets(c) > 0)) return base;
  return '?';
}

/**
 * Replaces every character GSM-7 cannot carry: typographic quotes, dashes, ellipsis, bullets and
 * unusual spaces by their GSM-7 spelling, accented letters by their base letter, anything else
 * (emoji, other scripts) by `?`. The result is always pure GSM-7.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text.replace(spaces, ' ').replace(invisible, '')) {
    out += gsm7Alphabet.septets(char) > 0 ? char : transliterate(char);
  }
  return out;
}

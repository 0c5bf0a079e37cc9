import { HelperError, toNumber, typeName, type Helper } from './helper.js';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || typeof value !== 'object' ? '' : JSON.stringify(value);
}

/** `{{truncate text 60 "…"}}`: at most 60 characters (graphemes), ending with the ellipsis (default `...`). */
const truncate: Helper = ([value, length, ellipsis]) => {
  const max = toNumber(length);
  if (max === undefined || !Number.isInteger(max) || max < 1) throw new HelperError('truncate', 'the length must be a positive integer');
  const marker = typeof ellipsis === 'string' ? ellipsis : '...';
  const parts = Array.from(graphemes.segment(text(value)), (s) => s.segment);
  if (parts.length <= max) return parts.join('');
  const keep = Math.max(0, max - Array.from(graphemes.segment(marker)).length);
  return parts.slice(0, keep).join('').trimEnd() + marker;
};

/** `{{default a b "fallback"}}`: the first value that is not missing, null or empty; `0` and `false` count. */
const defaultHelper: Helper = (params) => params.find((p) => !isEmpty(p)) ?? '';

/** `{{join tags ", "}}`: array items joined (default `, `), empty items skipped. */
const join: Helper = ([list, separator]) => {
  if (isEmpty(list)) return '';
  if (!Array.isArray(list)) return text(list);
  return list.filter((item) => !isEmpty(item)).map(text).join(typeof separator === 'string' ? separator : ', ');
};

/** `{{count alerts}}`: items of an array, keys of an object, characters of a string; 0 when missing. */
const count: Helper = ([value]) => {
  if (isEmpty(value)) return 0;
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object') return Object.keys(value as object).length;
  if (typeof value === 'string') return Array.from(value).length;
  throw new HelperError('count', `expected an array, an object or a string, got ${typeName(value)}`);
};

/** `{{plural n "alert"}}` → `alert` when n is 1, `alerts` otherwise; the plural may be given; n may be an array. */
const plural: Helper = ([n, singular, pluralForm]) => {
  const amount = Array.isArray(n) ? n.length : toNumber(n);
  if (amount === undefined) throw new HelperError('plural', `the count must be a number or an array, got ${typeName(n)}`);
  if (typeof singular !== 'string') throw new HelperError('plural', 'the singular must be a string');
  if (Math.abs(amount) === 1) return singular;
  return typeof pluralForm === 'string' ? pluralForm : `${singular}s`;
};

/** The text helpers: truncate, upper, lower, default, join, count, plural, json. */
export const textHelpers: Readonly<Record<string, Helper>> = {
  truncate,
  upper: ([value]) => text(value).toUpperCase(),
  lower: ([value]) => text(value).toLowerCase(),
  default: defaultHelper,
  join,
  count,
  plural,
  json: ([value]) => JSON.stringify(value) ?? '',
};

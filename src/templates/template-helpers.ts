import { alertGroupKey } from './helpers/alert-group-key.js';
import { compareHelpers } from './helpers/compare-helpers.js';
import { date } from './helpers/date.js';
import type { Helper } from './helpers/helper.js';
import { money } from './helpers/money.js';
import { phone } from './helpers/phone.js';
import { textHelpers } from './helpers/text-helpers.js';

/** Every helper a template may call, by name; `knownHelpersOnly` refuses any other at load. */
export const templateHelpers: Readonly<Record<string, Helper>> = {
  money,
  date,
  phone,
  ...textHelpers,
  ...compareHelpers,
  alertGroupKey,
};

import Handlebars from 'handlebars';
import { HelperError } from './helpers/helper.js';
import { templateHelpers } from './template-helpers.js';

/** An isolated Handlebars instance and the compile options every snsgate template uses. */
export interface HandlebarsEnv {
  readonly hbs: typeof Handlebars;
  readonly options: NonNullable<Parameters<typeof Handlebars.compile>[1]>;
}

function hashOf(options: unknown): Readonly<Record<string, unknown>> {
  if (typeof options !== 'object' || options === null || !('hash' in options)) return {};
  const hash: unknown = options.hash;
  return typeof hash === 'object' && hash !== null ? (hash as Record<string, unknown>) : {};
}

/**
 * A fresh `Handlebars.create()` with only our helpers. Templates compile with `noEscape` (SMS is
 * plain text: `O'Brien` stays `O'Brien`), `strict` (a missing field throws) and `knownHelpersOnly`.
 * Prototype access stays denied (Handlebars' default): templates only see own properties.
 */
export function createHandlebars(): HandlebarsEnv {
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(templateHelpers)) {
    // Handlebars passes its options object last; helpers get the positional params and the hash.
    hbs.registerHelper(name, (...args: unknown[]) => {
      // `{{phone}}` calls the helper, not the field: fail loudly instead of rendering nothing.
      if (args.length < 2) throw new HelperError(name, `needs a value; to show the field "${name}" write {{this.${name}}}`);
      return helper(args.slice(0, -1), hashOf(args[args.length - 1]));
    });
  }
  const knownHelpers = Object.fromEntries(Object.keys(templateHelpers).map((name) => [name, true]));
  return { hbs, options: { noEscape: true, strict: true, knownHelpersOnly: true, knownHelpers } };
}

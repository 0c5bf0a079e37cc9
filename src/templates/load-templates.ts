import { GatewayError } from '../errors.js';
import { checkTemplates, type LoadTemplatesInput } from './check-templates.js';
import type { TemplateSet } from './template-plugin.js';

/**
 * Loads every template plugin, fully checked. Any problem in any plugin stops the load: throws
 * SNSGATE_TEMPLATE_INVALID listing each as `<file>[:<line>]: <reason>`; a broken plugin is never skipped.
 */
export async function loadTemplates(input: LoadTemplatesInput): Promise<TemplateSet> {
  const { templates, problems } = await checkTemplates(input);
  if (templates === undefined || problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new GatewayError('SNSGATE_TEMPLATE_INVALID', `template plugins are not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${list}`, {
      reason: 'templates',
    });
  }
  return templates;
}

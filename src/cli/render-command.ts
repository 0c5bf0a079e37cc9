import { errorMessage, isGatewayError } from '../errors.js';
import { parseJson } from '../http/read-body.js';
import { loadCliConfig, loadCliTemplates, type CheckOptions } from './check-command.js';
import { readInputFile, type CliIo, type ExitCode } from './cli-io.js';

/**
 * `snsgate render <template> <payload.json>`: validates and renders like the preview endpoint
 * (text, encoding, segments, recipients, attributes, warnings) and sends nothing.
 */
export async function renderCommand(templateId: string, payloadPath: string, options: CheckOptions, io: CliIo): Promise<ExitCode> {
  try {
    const config = loadCliConfig(options, io.env);
    const templates = await loadCliTemplates(config, io.env);
    const template = templates.get(templateId);
    if (template === undefined) {
      io.err(`no template ${templateId}; loaded: ${templates.list().map((t) => t.id).join(', ')}\n`);
      return 1;
    }
    const payload = parseJson(readInputFile(payloadPath));
    const errors = template.validate(payload);
    if (errors.length > 0) {
      io.err(`${payloadPath} does not match the ${templateId} schema:\n${errors.map((e) => `  - ${e.pointer || '(body)'}: ${e.message}`).join('\n')}\n`);
      return 1;
    }
    const rendered = template.render(payload);
    io.out(`${JSON.stringify({ template: templateId, sent: false, ...rendered }, null, 2)}\n`);
    return 0;
  } catch (err) {
    io.err(`${isGatewayError(err) ? `${err.code}: ` : ''}${errorMessage(err)}\n`);
    return 1;
  }
}

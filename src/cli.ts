#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkCommand } from './cli/check-command.js';
import { UsageError, type CliIo, type ExitCode } from './cli/cli-io.js';
import { keysCommand } from './cli/keys-command.js';
import { renderCommand } from './cli/render-command.js';
import { signCommand } from './cli/sign-command.js';
import { messagesCommand, migrateCommand } from './cli/store-commands.js';
import { errorMessage } from './errors.js';
import { serve } from './serve.js';
import { version } from './version.js';

/** The CLI's help text. */
export const usage = `snsgate ${version}: signed webhooks and API sends to SMS through AWS SNS

Usage: snsgate <command> [options]

Commands:
  serve                              run the service (what npm start does)
  check                              validate config, sources and every template plugin; exit 1 listing problems
  render <template> <payload.json>   render a payload like the preview endpoint; sends nothing
  sign --template <id> <payload.json> [--url URL]
                                     sign a payload as the template's sender would and print a curl command
  migrate                            apply message-log migrations
  messages list [--status S] [--template T] [--recipient R] [--limit N]
  messages get <id> | messages retry <id>
  keys new [--name N] [--scopes send,read,admin] [--templates a,b]
  keys hash <key>

Options:
  --config FILE      config file (default: SNSGATE_CONFIG or config/snsgate.yaml)
  --templates DIR    templates folder (default: SNSGATE_TEMPLATES_DIR or the config's templates.dirs)
  --version, --help
`;

const options = {
  config: { type: 'string' },
  templates: { type: 'string' },
  template: { type: 'string' },
  url: { type: 'string', default: 'http://127.0.0.1:3000' },
  status: { type: 'string' },
  recipient: { type: 'string' },
  limit: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Runs one CLI invocation; returns the exit code (serve never returns while serving). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    const [command, first, second] = positionals;
    const common = defined({ config: values.config, templates: values.templates });
    if (values.version === true) {
      io.out(`${version}\n`);
      return 0;
    }
    if (values.help === true || command === undefined || command === 'help') {
      io.out(usage);
      return 0;
    }
    switch (command) {
      case 'serve':
        await serve({ ...io.env, ...defined({ SNSGATE_CONFIG: values.config, SNSGATE_TEMPLATES_DIR: values.templates }) });
        // Serving: the process ends through its signal handlers, never by returning.
        return await new Promise<never>(() => undefined);
      case 'check':
        return await checkCommand(common, io);
      case 'render':
        if (first === undefined || second === undefined) throw new UsageError('render needs <template> <payload.json>');
        return await renderCommand(first, second, common, io);
      case 'sign':
        if (values.template === undefined || first === undefined) throw new UsageError('sign needs --template <id> <payload.json>');
        return await signCommand(first, { ...common, template: values.template, url: values.url }, io);
      case 'migrate':
        return await migrateCommand(common, io);
      case 'messages':
        return await messagesCommand(first, second, { ...common, ...defined({ status: values.status, template: values.template, recipient: values.recipient, limit: values.limit }) }, io);
      case 'keys':
        return keysCommand(first, second, defined({ name: values.name, scopes: values.scopes, templates: values.templates }), io);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`snsgate: ${err.message}\n\n${usage}`);
      return 2;
    }
    io.err(`snsgate: ${errorMessage(err)}\n`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    // npm's bin is a symlink to this file; compare real paths.
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env };
  process.exit(await runCli(process.argv.slice(2), io));
}

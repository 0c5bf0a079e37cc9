import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/load-config.js';

/** One Dockerfile instruction: its keyword (upper case) and its arguments, continuation lines joined. */
interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    // Comments (and parser directives) are dropped, also between continuation lines, as Docker does.
    if (line.startsWith('#') || (line === '' && buffer === '')) return;
    if (buffer === '') start = index + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    buffer += line;
    const match = /^(\S+)\s*(.*)$/s.exec(buffer.trim());
    if (match !== null) out.push({ keyword: (match[1] ?? '').toUpperCase(), args: (match[2] ?? '').trim(), line: start });
    buffer = '';
  });
  return out;
}

function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/).filter((t) => !t.startsWith('--'));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The words of an exec-form (`["a", "b"]`) or shell-form argument. */
function words(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return args.split(/\s+/).filter((w) => w !== '');
}

interface Copy {
  readonly flags: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  readonly destination: string;
}

function copyOf(instruction: Instruction): Copy {
  const tokens = words(instruction.args);
  const flags: Record<string, string> = {};
  while (tokens[0]?.startsWith('--') === true) {
    const [name = '', value = 'true'] = (tokens.shift() ?? '').slice(2).split('=');
    flags[name] = value;
  }
  const destination = tokens.pop() ?? '';
  return { flags, sources: tokens, destination };
}

/** A `.dockerignore` as Docker reads it: patterns in order, `!` re-includes, a matched folder excludes what is inside. */
function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\.?\//, '').replace(/\/$/, '');
      const source = pattern
        .split(/(\*\*|\*|\?)/)
        .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { negate, regex: new RegExp(`^${source}(/.*)?$`) };
    });
  return (path) => {
    let excluded = false;
    for (const rule of rules) if (rule.regex.test(path)) excluded = !rule.negate;
    return excluded;
  };
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

const instructions = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const stages = stagesOf(instructions);
const runtime = stages.at(-1);
const build = stages.find((s) => s !== runtime && s.name !== undefined && runtime?.instructions.some((i) => i.keyword === 'COPY' && copyOf(i).flags.from === s.name));
const ignored = dockerIgnore(existsSync('.dockerignore') ? readFileSync('.dockerignore', 'utf8') : '');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

function only(stage: Stage | undefined, keyword: string): Instruction[] {
  return stage?.instructions.filter((i) => i.keyword === keyword) ?? [];
}

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage that copies the build output from it', () => {
    expect(stages.length).to.be.at.least(2);
    expect(build, 'a named stage the runtime stage copies from').to.not.equal(undefined);
    const fromBuild = only(runtime, 'COPY').map(copyOf).filter((c) => c.flags.from === build?.name).flatMap((c) => c.sources);
    expect(fromBuild).to.include.members(['/app/node_modules', '/app/dist']);
  });

  it('runs npm ci, npm run build and then prunes dev dependencies in the build stage', () => {
    const runs = only(build, 'RUN').map((i) => i.args);
    const at = (pattern: RegExp): number => runs.findIndex((r) => pattern.test(r));
    const ci = at(/\bnpm ci\b/);
    const compile = at(/\bnpm run build\b/);
    const prune = at(/\bnpm prune\b.*--(omit=dev|production)\b/);
    expect([ci, compile, prune].every((i) => i >= 0), runs.join('\n')).to.equal(true);
    expect(ci).to.be.at.most(compile);
    expect(compile).to.be.at.most(prune);
    expect(runs[prune]?.indexOf('npm prune')).to.be.greaterThan(runs[prune]?.indexOf('npm run build') ?? Infinity);
    // npm ci needs the lock file in the stage before it runs.
    const copiedFirst = only(build, 'COPY').filter((c) => c.line < (only(build, 'RUN')[ci]?.line ?? 0)).flatMap((c) => copyOf(c).sources);
    expect(copiedFirst).to.include.members(['package.json', 'package-lock.json']);
  });

  it('runs the runtime stage as a non-root user', () => {
    const user = only(runtime, 'USER').at(-1)?.args.split(':')[0];
    expect(user, 'USER in the runtime stage').to.be.a('string');
    expect(['root', '0']).to.not.include(user);
    const cmdLine = only(runtime, 'CMD').at(-1)?.line ?? 0;
    expect(only(runtime, 'USER').at(-1)?.line).to.be.below(cmdLine);
  });

  it('checks health on /healthz', () => {
    const check = only(runtime, 'HEALTHCHECK').at(-1)?.args ?? '';
    expect(check).to.match(/\bCMD\b/);
    expect(check).to.include('/healthz');
  });

  it("exposes the service's default port 3000", () => {
    expect(loadConfig({}, {}, { file: 'defaults' }).server.port, 'the default PORT').to.equal(3000);
    expect(only(runtime, 'EXPOSE').flatMap((i) => words(i.args))).to.include('3000');
    const portEnv = only(runtime, 'ENV').map((i) => /\bPORT=(\d+)/.exec(i.args)?.[1]).find((p) => p !== undefined);
    if (portEnv !== undefined) expect(portEnv).to.equal('3000');
  });

  it('starts through tini so SIGTERM reaches node and zombies are reaped', () => {
    const entrypoint = words(only(runtime, 'ENTRYPOINT').at(-1)?.args ?? '[]');
    expect(entrypoint[0]).to.match(/(^|\/)tini$/);
    expect(entrypoint).to.include('--');
    expect(only(runtime, 'RUN').some((i) => /\btini\b/.test(i.args)), 'tini installed in the runtime stage').to.equal(true);
  });

  it("runs the same command as package.json's start script, in exec form", () => {
    const cmd = only(runtime, 'CMD').at(-1)?.args ?? '';
    expect(cmd.startsWith('['), 'exec form, so node is not wrapped in a shell').to.equal(true);
    expect(words(cmd)).to.deep.equal(words(pkg.scripts.start ?? ''));
    // dist/main.js is what tsconfig.build.json makes of src/main.ts.
    const buildConfig = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    const script = words(cmd).find((w) => w.endsWith('.js')) ?? '';
    const source = join(buildConfig.compilerOptions.rootDir, relative(buildConfig.compilerOptions.outDir, script)).replace(/\.js$/, '.ts');
    expect(existsSync(source), source).to.equal(true);
  });

  it('copies into the runtime stage what the default start reads: package.json, config and templates', () => {
    const copied = only(runtime, 'COPY').map(copyOf).filter((c) => c.flags.from === undefined).flatMap((c) => c.sources);
    expect(copied).to.include.members(['package.json', 'config', 'templates']);
  });

  it('copies only files that exist in the repository and that .dockerignore does not drop', () => {
    const local = instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map(copyOf).filter((c) => c.flags.from === undefined);
    expect(local.length).to.be.greaterThan(0);
    for (const { sources } of local) {
      for (const source of sources) {
        const path = source.replace(/^\.\//, '').replace(/\/$/, '');
        expect(existsSync(path), `${source} exists`).to.equal(true);
        expect(ignored(path), `${source} is excluded by .dockerignore`).to.equal(false);
        expect(filesUnder(path).filter(ignored), `files under ${source} excluded by .dockerignore`).to.deep.equal([]);
      }
    }
  });

  it('keeps the host build and dependencies out of the build context', () => {
    expect(ignored('node_modules')).to.equal(true);
    expect(ignored('dist')).to.equal(true);
  });
});

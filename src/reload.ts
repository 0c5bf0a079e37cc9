import { buildRuntime, sectionsNeedingRestart, type RuntimeInput } from './build-runtime.js';
import { errorMessage } from './errors.js';
import type { Logger } from './observability/logger.js';
import { initialiseLabels, type Metrics } from './observability/metrics.js';
import type { RuntimeHolder } from './runtime.js';

/** What a reload did: the new set, or why the last good set keeps serving. */
export type ReloadResult =
  | { readonly ok: true; readonly templates: readonly string[]; readonly sources: readonly string[]; readonly restartRequired: readonly string[] }
  | { readonly ok: false; readonly problems: string };

export interface Reloader {
  /** Re-reads config and templates; swaps them in only when all of it is valid. Never throws. */
  reload(trigger: 'signal' | 'http'): Promise<ReloadResult>;
}

/** Reloads one at a time; a broken edit is reported (log, metric, result) and the last good set keeps serving. */
export function createReloader(deps: { input: RuntimeInput; runtime: RuntimeHolder; metrics: Metrics; logger: Logger }): Reloader {
  let running: Promise<ReloadResult> = Promise.resolve({ ok: false, problems: 'not run' });
  const once = async (trigger: 'signal' | 'http'): Promise<ReloadResult> => {
    try {
      const next = await buildRuntime(deps.input);
      const before = deps.runtime.current().config;
      const restartRequired = sectionsNeedingRestart(before, next.config);
      deps.runtime.replace(next);
      deps.logger.level = next.config.log.level;
      const templates = next.templates.list().map((t) => t.id);
      const sources = Object.keys(next.config.sources);
      initialiseLabels(deps.metrics, { templates: next.templates.list().map((t) => ({ id: t.id, source: t.manifest.source })), sources });
      deps.metrics.reloads.inc({ outcome: 'success' });
      deps.logger.info('reloaded config and templates', { trigger, templates, restartRequired });
      if (restartRequired.length > 0) {
        deps.logger.warn(`changes to ${restartRequired.join(', ')} take effect after a restart`);
      }
      return { ok: true, templates, sources, restartRequired };
    } catch (err) {
      deps.metrics.reloads.inc({ outcome: 'failure' });
      const problems = errorMessage(err);
      deps.logger.error('reload failed; the last good config and templates keep serving', { trigger, problems });
      return { ok: false, problems };
    }
  };
  return {
    reload(trigger) {
      running = running.then(() => once(trigger));
      return running;
    },
  };
}

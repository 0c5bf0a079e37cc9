import type { Config, WindowLimit } from '../config/config.js';
import { GatewayError } from '../errors.js';
import { createWindowLimiter, type LimitDecision, type LimiterBackend, type WindowLimiter } from './create-window-limiter.js';

/** Points taken for one request's messages; given back when the request turns out to send nothing. */
export interface Reservation {
  refund(): Promise<void>;
}

/** Inbound rate limits and the SMS-abuse limits (per recipient, daily budgets). */
export interface Limits {
  client(address: string): Promise<LimitDecision>;
  apiKey(name: string, own: WindowLimit | undefined): Promise<LimitDecision>;
  source(name: string, own: WindowLimit | undefined): Promise<LimitDecision>;
  /**
   * Takes one point per phone recipient (per-recipient window) and the daily budgets; throws
   * SNSGATE_RECIPIENT_LIMITED or SNSGATE_BUDGET_EXHAUSTED (429, which limit, Retry-After) and takes nothing then.
   */
  reserveMessages(template: string, phoneNumbers: readonly string[], now: Date): Promise<Reservation>;
}

const day = 86400;

function secondsToUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** Builds every limiter of `config.limits` on one backend. */
export async function createLimits(config: Config['limits'], backend: LimiterBackend): Promise<Limits> {
  const client = await createWindowLimiter('client', config.perClient, backend);
  const keyDefault = await createWindowLimiter('key', config.perKey, backend);
  const source = await createWindowLimiter('source', config.perSource, backend);
  const recipient = await createWindowLimiter('recipient', config.perRecipient, backend);
  const total =
    config.dailyBudget.total === undefined
      ? undefined
      : await createWindowLimiter('budget', { points: config.dailyBudget.total, durationSeconds: 2 * day }, backend);
  const perTemplate = new Map<string, WindowLimiter>();
  for (const [template, points] of Object.entries(config.dailyBudget.perTemplate)) {
    perTemplate.set(template, await createWindowLimiter(`budget-${template}`, { points, durationSeconds: 2 * day }, backend));
  }
  const own = new Map<string, Promise<WindowLimiter>>();
  // A key or source with a limit of its own gets a limiter of its own, made on first use.
  const limiterFor = (kind: string, name: string, limit: WindowLimit | undefined, fallback: WindowLimiter): Promise<WindowLimiter> => {
    if (limit === undefined) return Promise.resolve(fallback);
    const id = `${kind}-${name}`;
    let limiter = own.get(id);
    if (limiter === undefined) {
      limiter = createWindowLimiter(id, limit, backend);
      own.set(id, limiter);
    }
    return limiter;
  };

  return {
    client: (address) => client.consume(address),
    apiKey: async (name, limit) => (await limiterFor('key', name, limit, keyDefault)).consume(name),
    source: async (name, limit) => (await limiterFor('source', name, limit, source)).consume(name),
    async reserveMessages(template, phoneNumbers, now) {
      const taken: (() => Promise<void>)[] = [];
      const refund = async (): Promise<void> => {
        await Promise.all(taken.map((give) => give()));
      };
      for (const number of phoneNumbers) {
        const d = await recipient.consume(number);
        if (!d.allowed) {
          await refund();
          throw new GatewayError(
            'SNSGATE_RECIPIENT_LIMITED',
            `a recipient already had ${config.perRecipient.points} messages in ${config.perRecipient.durationSeconds} s (limits.perRecipient)`,
            { retryAfterSeconds: d.resetSeconds, reason: 'recipient_limit', extra: { limit: 'perRecipient' } },
          );
        }
        taken.push(() => recipient.refund(number, 1));
      }
      const date = now.toISOString().slice(0, 10);
      const budgets: [string, WindowLimiter | undefined][] = [
        ['dailyBudget.total', total],
        [`dailyBudget.perTemplate.${template}`, perTemplate.get(template)],
      ];
      const count = phoneNumbers.length === 0 ? 1 : phoneNumbers.length;
      for (const [name, limiter] of budgets) {
        if (limiter === undefined) continue;
        const key = date;
        const d = await limiter.consume(key, count);
        if (!d.allowed) {
          await limiter.refund(key, count);
          await refund();
          throw new GatewayError('SNSGATE_BUDGET_EXHAUSTED', `the daily message budget is used up (limits.${name})`, {
            retryAfterSeconds: secondsToUtcMidnight(now),
            reason: 'budget',
            extra: { limit: name },
          });
        }
        taken.push(() => limiter.refund(key, count));
      }
      return { refund };
    },
  };
}

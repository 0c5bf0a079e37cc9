import { createHash } from 'node:crypto';
import { HelperError, type Helper } from './helper.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function alertIdentity(alert: unknown): string {
  if (!isRecord(alert)) throw new HelperError('alertGroupKey', 'every alert must be an object');
  const status = typeof alert.status === 'string' ? alert.status : '';
  if (typeof alert.fingerprint === 'string' && alert.fingerprint !== '') return `${alert.fingerprint}:${status}`;
  // Without a fingerprint the sorted labels identify the alert, as Alertmanager's fingerprint does.
  const labels = isRecord(alert.labels) ? Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  return `${JSON.stringify(labels)}:${status}`;
}

/**
 * `{{alertGroupKey this}}`: sha256 hex of an Alertmanager or Grafana notification's `groupKey`,
 * `status` and its alerts' sorted fingerprints with their own status. HA peers sending the same
 * notification get the same key; a resolve, or one alert of the group changing state, gets a new one.
 */
export const alertGroupKey: Helper = ([payload]) => {
  if (!isRecord(payload) || typeof payload.groupKey !== 'string' || typeof payload.status !== 'string' || !Array.isArray(payload.alerts)) {
    throw new HelperError('alertGroupKey', 'expected an Alertmanager or Grafana notification with groupKey, status and alerts');
  }
  const alerts = payload.alerts.map(alertIdentity).sort();
  return createHash('sha256').update([payload.groupKey, payload.status, ...alerts].join('\n')).digest('hex');
};

import type { SmsSettings, TemplateOverride } from '../config/config.js';
import type { ManifestFile } from './manifest-schema.js';
import { literalTarget } from './recipient-spec.js';

/** Where a recipient entry came from, for load problems. */
export interface RecipientSource {
  readonly value: string;
  /** `template.yaml`'s `to[i]`, `templates.overrides.<id>.to[i]` or the toEnv variable. */
  readonly origin: 'manifest' | 'override' | 'env';
  readonly index: number;
}

/** The manifest with a deployment override applied, its recipients' origins and load problems. */
export interface Overridden {
  readonly manifest: ManifestFile;
  readonly recipients: readonly RecipientSource[];
  /** Why there are no recipients, for SNSGATE_TEMPLATE_UNCONFIGURED at render. */
  readonly unconfigured: string;
  readonly problems: readonly string[];
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

// TRAI registration ties the entity id, the template id and the sender id (domain.md 1.3).
function smsProblem(sms: SmsSettings): string | undefined {
  const india = [sms.entityId, sms.templateId].filter((v) => v !== undefined).length;
  if (india === 0) return undefined;
  if (india === 1 || sms.senderId === undefined) return 'sms.entityId and sms.templateId (India DLT) go together, with the registered sms.senderId';
  return undefined;
}

/**
 * Applies `templates.overrides.<id>`: `to` and `toEnv` (comma-separated numbers from the
 * environment) replace the manifest's recipients; `sms` merges over the manifest's; the limits and
 * delivery replace. Recipients from the environment must be literal E.164 numbers or topic ARNs.
 */
export function applyOverride(
  id: string,
  file: ManifestFile,
  override: TemplateOverride | undefined,
  env: NodeJS.ProcessEnv,
  places: { readonly manifestFile: string; readonly configFile: string },
): Overridden {
  const problems: string[] = [];
  const at = `${places.configFile}: templates.overrides.${id}`;
  const replaced = override?.to !== undefined || override?.toEnv !== undefined;
  const recipients: RecipientSource[] = replaced
    ? (override?.to ?? []).map((value, index) => ({ value, origin: 'override' as const, index }))
    : file.to.map((value, index) => ({ value, origin: 'manifest' as const, index }));
  const envName = override?.toEnv;
  if (envName !== undefined) {
    splitList(env[envName]).forEach((value, index) => {
      if (literalTarget(value) === undefined) problems.push(`${at}.toEnv: ${envName} entry ${index + 1} is not an E.164 number or an SNS topic ARN`);
      recipients.push({ value, origin: 'env', index });
    });
  }
  const sms: SmsSettings = { ...file.sms, ...override?.sms };
  sms.smsType ??= 'Transactional';
  const smsIssue = smsProblem(sms);
  if (smsIssue !== undefined) problems.push(`${override?.sms === undefined ? places.manifestFile : `${at}.sms`}: ${smsIssue}`);
  const unconfigured = envName !== undefined
    ? `template ${id} has no recipients: set ${envName} (comma-separated E.164 numbers) or templates.overrides.${id}.to`
    : `template ${id} has no recipients: give "to" in its template.yaml, or templates.overrides.${id}.to or .toEnv in the config`;
  const delivery = override?.delivery ?? file.delivery;
  const manifest: ManifestFile = {
    ...file,
    to: recipients.map((r) => r.value),
    sms,
    ...(delivery === undefined ? {} : { delivery }),
    maxSegments: override?.maxSegments ?? file.maxSegments,
    overflow: override?.overflow ?? file.overflow,
    encoding: override?.encoding ?? file.encoding,
  };
  return { manifest, recipients, unconfigured, problems };
}

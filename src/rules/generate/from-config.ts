import type { VigieConfig } from '../../config/index.js';
import type { GenerateInput, ProbeJobInput } from './generate.js';

/** Prober kinds of blackbox_exporter's well-known module names, for modules not defined in `probe_modules`. */
const WELL_KNOWN_MODULES: Readonly<Record<string, { prober: string; ssh: boolean }>> = {
  http_2xx: { prober: 'http', ssh: false },
  http_post_2xx: { prober: 'http', ssh: false },
  tcp_connect: { prober: 'tcp', ssh: false },
  ssh_banner: { prober: 'tcp', ssh: true },
  irc_banner: { prober: 'tcp', ssh: false },
  pop3s_banner: { prober: 'tcp', ssh: false },
  icmp: { prober: 'icmp', ssh: false },
  icmp_ttl5: { prober: 'icmp', ssh: false },
  grpc: { prober: 'grpc', ssh: false },
  grpc_plain: { prober: 'grpc', ssh: false },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A tcp module whose query_response expects the SSH banner (`expect: "^SSH-2.0-"`). */
function expectsSsh(module: Record<string, unknown>): boolean {
  const tcp = module['tcp'];
  if (!isRecord(tcp) || !Array.isArray(tcp['query_response'])) return false;
  return tcp['query_response'].some((step) => isRecord(step) && typeof step['expect'] === 'string' && step['expect'].includes('SSH-'));
}

/** The prober kind of a module: from `probe_modules` (blackbox's shape), else from its well-known name. */
export function proberOf(modules: Readonly<Record<string, unknown>>, name: string): { prober: string; expectsSshBanner: boolean } {
  const m = modules[name];
  if (isRecord(m) && typeof m['prober'] === 'string') return { prober: m['prober'], expectsSshBanner: m['prober'] === 'tcp' && expectsSsh(m) };
  const known = WELL_KNOWN_MODULES[name];
  if (known !== undefined) return { prober: known.prober, expectsSshBanner: known.ssh };
  if (name.startsWith('dns')) return { prober: 'dns', expectsSshBanner: false };
  if (name.startsWith('http')) return { prober: 'http', expectsSshBanner: false };
  return { prober: 'unknown', expectsSshBanner: false };
}

/** What `generateAlertRules` needs, from a loaded configuration. */
export function generateInputFromConfig(config: VigieConfig, runbookBaseUrl?: string): GenerateInput {
  const probeJobs: ProbeJobInput[] = config.probes.map((p) => ({ job: p.job_name, module: p.module, ...proberOf(config.probe_modules, p.module) }));
  return { hostEnabled: config.host.enabled, probeJobs, scrapeJobs: config.scrape_configs.map((s) => s.job_name), runbookBaseUrl };
}

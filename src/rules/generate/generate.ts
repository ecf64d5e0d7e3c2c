/**
 * `vigie rules generate`: a ready Prometheus rule file (`alert.rules.yml`) for what a
 * configuration makes active. Thresholds are the ones users gave (docs: USERS.md): HTTP status
 * not 2xx or latency over 3 s, DNS failure or lookup over 1 s, TCP connect failure, SSH banner
 * missing, host silent for 30 minutes, disk 90% / 100%, RAM 90% / 100%, CPU over 90%,
 * certificate expiring within 14 days, scrape target down for 1 minute.
 */

export interface ProbeJobInput {
  readonly job: string;
  readonly module: string;
  /** blackbox prober kind: http, tcp, dns, icmp, grpc... */
  readonly prober: string;
  /** A tcp module whose query_response expects `^SSH-2.0-`. */
  readonly expectsSshBanner: boolean;
}

export interface GenerateInput {
  /** The built-in host collector runs (series with job="node", instance=<hostname>). */
  readonly hostEnabled: boolean;
  readonly probeJobs: readonly ProbeJobInput[];
  /** Job names of scrape_configs. */
  readonly scrapeJobs: readonly string[];
  /** Base of the `runbook_url` annotations; `#anchor` is appended. Default DEFAULT_RUNBOOK_BASE_URL. */
  readonly runbookBaseUrl?: string | undefined;
}

/** The runbooks shipped with Vigie (docs/runbooks.md); point `runbookBaseUrl` at your own wiki instead. */
export const DEFAULT_RUNBOOK_BASE_URL = 'docs/runbooks.md';

type Severity = 'critical' | 'warning';

interface AlertSpec {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  /** Section of docs/runbooks.md. */
  readonly runbook: string;
  /** Comment line written above the rule. */
  readonly comment?: string;
}

interface GroupSpec {
  readonly name: string;
  readonly comment: string;
  readonly rules: readonly AlertSpec[];
}

/** A PromQL string literal for a label value. */
function q(s: string): string {
  return JSON.stringify(s);
}

/** A name usable in an alert name: `api-prod` → `ApiProd`. */
function camel(s: string): string {
  const parts = s.split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
  const out = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return /^[A-Za-z]/.test(out) ? out : `Job${out}`;
}

function hostGroup(): GroupSpec {
  const sel = '{job="node"}';
  return {
    name: 'vigie-host',
    comment: 'The machine Vigie runs on (built-in host collector: job="node", instance=<hostname>).',
    rules: [
      {
        alert: 'HostSilent',
        comment:
          'The collector runs inside Vigie: this fires when it stops producing data. If the machine itself goes down, so does Vigie; watch it from a second Vigie (probe or remote write) as well.',
        expr: `absent(node_cpu_seconds_total${sel})`,
        for: '30m',
        severity: 'critical',
        summary: 'No host metrics for 30 minutes',
        description: 'Vigie has collected no metrics of this host for more than 30 minutes.',
        runbook: 'host-silent',
      },
      {
        alert: 'HostDiskAlmostFull',
        expr: `100 * (1 - node_filesystem_avail_bytes${sel} / node_filesystem_size_bytes{job="node"}) > 90 and on (instance, device, mountpoint) node_filesystem_readonly{job="node"} == 0`,
        for: '5m',
        severity: 'warning',
        summary: 'Disk {{ $labels.mountpoint }} is {{ printf "%.0f" $value }}% full on {{ $labels.instance }}',
        description: 'Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} is {{ printf "%.1f" $value }}% full (threshold 90%).',
        runbook: 'disk-almost-full',
      },
      {
        alert: 'HostDiskFull',
        expr: `node_filesystem_avail_bytes${sel} == 0 and on (instance, device, mountpoint) node_filesystem_readonly{job="node"} == 0`,
        for: '1m',
        severity: 'critical',
        summary: 'Disk {{ $labels.mountpoint }} is full on {{ $labels.instance }}',
        description: 'Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has no space left: writes fail.',
        runbook: 'disk-full',
      },
      {
        alert: 'HostMemoryHigh',
        expr: `100 * (1 - node_memory_MemAvailable_bytes${sel} / node_memory_MemTotal_bytes{job="node"}) > 90`,
        for: '15m',
        severity: 'warning',
        summary: 'Memory {{ printf "%.0f" $value }}% used on {{ $labels.instance }}',
        description: '{{ $labels.instance }} has used more than 90% of its memory for 15 minutes ({{ printf "%.1f" $value }}%).',
        runbook: 'memory-exhausted',
      },
      {
        alert: 'HostMemoryExhausted',
        expr: `node_memory_MemAvailable_bytes${sel} / node_memory_MemTotal_bytes{job="node"} < 0.01`,
        for: '2m',
        severity: 'critical',
        summary: 'Memory exhausted on {{ $labels.instance }}',
        description: '{{ $labels.instance }} has less than 1% of its memory available: the kernel will kill processes.',
        runbook: 'memory-exhausted',
      },
      {
        alert: 'HostCpuHigh',
        expr: `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{job="node",mode="idle"}[5m]))) > 90`,
        for: '5m',
        severity: 'warning',
        summary: 'CPU {{ printf "%.0f" $value }}% busy on {{ $labels.instance }}',
        description: 'The CPUs of {{ $labels.instance }} have been more than 90% busy for 5 minutes.',
        runbook: 'cpu-high',
      },
    ],
  };
}

function certRules(job: string, name: string): AlertSpec[] {
  return [
    {
      alert: `${name}CertificateExpiringSoon`,
      expr: `probe_ssl_earliest_cert_expiry{job=${q(job)}} - time() < 14 * 86400`,
      for: '10m',
      severity: 'warning',
      summary: 'Certificate of {{ $labels.instance }} expires in {{ $value | humanizeDuration }}',
      description: 'The TLS certificate served by {{ $labels.instance }} (job {{ $labels.job }}) expires in less than 14 days.',
      runbook: 'certificate-expiring',
    },
    {
      alert: `${name}CertificateExpired`,
      expr: `probe_ssl_earliest_cert_expiry{job=${q(job)}} - time() <= 0`,
      for: '1m',
      severity: 'critical',
      summary: 'Certificate of {{ $labels.instance }} has expired',
      description: 'The TLS certificate served by {{ $labels.instance }} (job {{ $labels.job }}) has expired: clients refuse the connection.',
      runbook: 'certificate-expiring',
    },
  ];
}

function probeGroup(p: ProbeJobInput): GroupSpec {
  const sel = `{job=${q(p.job)}}`;
  const name = camel(p.job);
  const down = (alert: string, summary: string, description: string, runbook: string): AlertSpec => ({
    alert,
    expr: `probe_success${sel} == 0`,
    for: '1m',
    severity: 'critical',
    summary,
    description,
    runbook,
  });
  const rules: AlertSpec[] = [];
  switch (p.prober) {
    case 'http':
      rules.push(
        down(`${name}HttpProbeFailed`, 'HTTP check of {{ $labels.instance }} fails', 'The HTTP probe of {{ $labels.instance }} (job {{ $labels.job }}, module ' + p.module + ') has failed for 1 minute: no answer, TLS error or an unexpected status.', 'http-probe-failed'),
        {
          alert: `${name}HttpStatusNot2xx`,
          expr: `probe_http_status_code${sel} > 299 or probe_http_status_code${sel} < 200 > 0`,
          for: '1m',
          severity: 'critical',
          summary: '{{ $labels.instance }} answers HTTP {{ $value }}',
          description: '{{ $labels.instance }} (job {{ $labels.job }}) has answered with HTTP status {{ $value }} instead of 2xx for 1 minute.',
          runbook: 'http-probe-failed',
        },
        {
          alert: `${name}HttpSlow`,
          expr: `probe_duration_seconds${sel} > 3`,
          for: '2m',
          severity: 'warning',
          summary: '{{ $labels.instance }} answers in {{ $value | humanizeDuration }}',
          description: 'The HTTP check of {{ $labels.instance }} (job {{ $labels.job }}) has taken more than 3 s for 2 minutes.',
          runbook: 'probe-slow',
        },
        ...certRules(p.job, name),
      );
      break;
    case 'dns':
      rules.push(
        down(`${name}DnsProbeFailed`, 'DNS resolution by {{ $labels.instance }} fails', 'The DNS query to {{ $labels.instance }} (job {{ $labels.job }}, module ' + p.module + ') has failed for 1 minute.', 'dns-probe-failed'),
        {
          alert: `${name}DnsSlow`,
          expr: `probe_duration_seconds${sel} > 1`,
          for: '2m',
          severity: 'warning',
          summary: 'DNS lookup on {{ $labels.instance }} takes {{ $value | humanizeDuration }}',
          description: 'DNS lookups on {{ $labels.instance }} (job {{ $labels.job }}) have taken more than 1 s for 2 minutes.',
          runbook: 'probe-slow',
        },
      );
      break;
    case 'tcp':
      if (p.expectsSshBanner) {
        rules.push(
          down(
            `${name}SshBannerMissing`,
            'SSH banner missing on {{ $labels.instance }}',
            'The SSH server at {{ $labels.instance }} (job {{ $labels.job }}) has not answered with its SSH-2.0 banner for 1 minute: the service is down, or something else answers on its port (tampering or spoofing).',
            'ssh-banner-missing',
          ),
        );
      } else {
        rules.push(down(`${name}TcpConnectFailed`, 'Cannot connect to {{ $labels.instance }}', 'TCP connections to {{ $labels.instance }} (job {{ $labels.job }}, module ' + p.module + ') have failed for 1 minute.', 'tcp-connect-failed'));
      }
      rules.push(...certRules(p.job, name));
      break;
    case 'icmp':
      rules.push(down(`${name}HostUnreachable`, '{{ $labels.instance }} does not answer ping', '{{ $labels.instance }} (job {{ $labels.job }}) has not answered ICMP echo for 1 minute.', 'host-unreachable'));
      break;
    default:
      rules.push(down(`${name}ProbeFailed`, 'Probe of {{ $labels.instance }} fails', `The ${p.prober} probe of {{ $labels.instance }} (job {{ $labels.job }}, module ${p.module}) has failed for 1 minute.`, 'probe-failed'));
  }
  return { name: `vigie-probe-${p.job}`, comment: `Probe job ${p.job} (module ${p.module}, ${p.prober} prober${p.expectsSshBanner ? ', expects an SSH banner' : ''}).`, rules };
}

function scrapeGroup(jobs: readonly string[]): GroupSpec {
  return {
    name: 'vigie-scrape-targets',
    comment: 'Targets of scrape_configs that do not answer.',
    rules: jobs.map((job) => ({
      alert: `${camel(job)}TargetDown`,
      expr: `up{job=${q(job)}} == 0`,
      for: '1m',
      severity: 'critical' as const,
      summary: '{{ $labels.instance }} of job {{ $labels.job }} is down',
      description: 'Vigie has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 1 minute.',
      runbook: 'target-down',
    })),
  };
}

/** A YAML scalar: single-quoted (readable PromQL and templates), double-quoted JSON when it has control characters. */
function y(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) return JSON.stringify(s);
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The rule file text, with comments. Alert names are unique within the file: probe jobs
 * whose names give the same CamelCase name get a numeric suffix.
 */
export function generateAlertRules(input: GenerateInput): string {
  const base = input.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
  const groups: GroupSpec[] = [];
  if (input.hostEnabled) groups.push(hostGroup());
  for (const p of input.probeJobs) groups.push(probeGroup(p));
  if (input.scrapeJobs.length > 0) groups.push(scrapeGroup(input.scrapeJobs));

  const used = new Map<string, number>();
  const lines: string[] = [
    '# Alerting rules generated by `vigie rules generate` for the parts of the configuration that are active.',
    '# Thresholds are defaults users asked for; edit freely (this file is yours once written).',
    '# Check it with `vigie rules check` (or `promtool check rules`).',
  ];
  if (groups.length === 0) lines.push('# Nothing is active in the configuration: no rules.');
  lines.push(groups.length === 0 ? 'groups: []' : 'groups:');
  for (const g of groups) {
    lines.push('', `  # ${g.comment}`, `  - name: ${y(g.name)}`, '    rules:');
    for (const r of g.rules) {
      const n = (used.get(r.alert) ?? 0) + 1;
      used.set(r.alert, n);
      const alert = n === 1 ? r.alert : `${r.alert}${n}`;
      if (r.comment !== undefined) lines.push(`      # ${r.comment}`);
      lines.push(
        `      - alert: ${alert}`,
        `        expr: ${y(r.expr)}`,
        `        for: ${r.for}`,
        '        labels:',
        `          severity: ${r.severity}`,
        '        annotations:',
        `          summary: ${y(r.summary)}`,
        `          description: ${y(r.description)}`,
        `          runbook_url: ${y(`${base}#${r.runbook}`)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

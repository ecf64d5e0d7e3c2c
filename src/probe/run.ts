import { setMaxListeners } from 'node:events';
import type { ProbeModule } from './config.js';
import { type Prober, type ProberContext, ProbeFailure, abortReason } from './context.js';
import { probeDNS } from './dns.js';
import { probeHTTP } from './http.js';
import { probeICMP } from './icmp.js';
import { HELP, ProbeMetrics } from './result.js';
import { probeTCP } from './tcp.js';
import type { ProbeOptions, ProbeResult } from './types.js';

/** Options of one probe: the caller's signal and timeout, plus /probe's `hostname` parameter. */
export type RunProbeOptions = ProbeOptions & { readonly hostname?: string | undefined };

/** Thrown into the probe's signal when its time is up. */
class ProbeTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * The timeout a probe runs with (ms): the caller's, or the module's when that is set and
 * smaller (blackbox_exporter's rule, the caller's value standing for the scrape timeout minus
 * the offset).
 */
export function effectiveTimeoutMs(module: ProbeModule, callerTimeoutMs: number): number {
  return module.timeout > 0 && module.timeout < callerTimeoutMs ? module.timeout : callerTimeoutMs;
}

function proberFor(module: ProbeModule): (target: string, ctx: ProberContext) => Promise<string | undefined> {
  const run = <C>(p: Prober<C>, config: C) => (target: string, ctx: ProberContext) => p(target, config, ctx);
  switch (module.prober) {
    case 'http':
      return run(probeHTTP, module.http);
    case 'tcp':
      return run(probeTCP, module.tcp);
    case 'dns':
      return run(probeDNS, module.dns);
    case 'icmp':
      return run(probeICMP, module.icmp);
    case 'grpc':
    case 'unix':
    case 'websocket':
      return () => Promise.resolve(`prober ${module.prober} is not supported by Vigie yet`);
  }
}

/**
 * Probes `target` with `module`. Never rejects: a failure (including a timeout or an abort)
 * gives success=false, `failureReason` and the sample `probe_failure_reason{reason="..."} 1`.
 * Sockets and child processes of the probe are closed before it resolves, or right after on
 * an abort. Durations in the result are seconds, as blackbox_exporter reports them.
 */
export async function runProbe(module: ProbeModule, target: string, opts: RunProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const metrics = new ProbeMetrics();
  const logs: string[] = [];
  const timeoutMs = effectiveTimeoutMs(module, opts.timeoutMs);
  const ac = new AbortController();
  // Each connection of the probe (redirects, STARTTLS) listens on it; the probe ends them all.
  setMaxListeners(100, ac.signal);
  const onCallerAbort = (): void => ac.abort(opts.signal.reason);
  const timer = setTimeout(() => ac.abort(new ProbeTimeoutError(`probe timed out after ${timeoutMs / 1000}s`)), Math.max(0, timeoutMs));
  if (opts.signal.aborted) ac.abort(opts.signal.reason);
  else opts.signal.addEventListener('abort', onCallerAbort, { once: true });
  const ctx: ProberContext = {
    metrics,
    signal: ac.signal,
    timeoutMs,
    hostname: opts.hostname,
    log: (message) => logs.push(`${new Date().toISOString()} ${message}`),
  };
  ctx.log(`Beginning probe: prober=${module.prober} target=${target} timeout_seconds=${timeoutMs / 1000}`);
  let reason: string | undefined;
  try {
    if (ac.signal.aborted) throw new ProbeFailure(abortReason(ac.signal, timeoutMs));
    const probing = proberFor(module)(target, ctx);
    // A prober that ignored the signal still ends the probe on time.
    const aborted = new Promise<never>((_, reject) => {
      const fire = (): void => reject(new ProbeFailure(abortReason(ac.signal, timeoutMs)));
      if (ac.signal.aborted) fire();
      else ac.signal.addEventListener('abort', fire, { once: true });
    });
    probing.catch(() => undefined);
    aborted.catch(() => undefined);
    reason = await Promise.race([probing, aborted]);
    // A prober that noticed the abort itself reports it in its own words; say why instead.
    if (reason !== undefined && ac.signal.aborted) reason = abortReason(ac.signal, timeoutMs);
  } catch (err) {
    reason = ac.signal.aborted ? abortReason(ac.signal, timeoutMs) : err instanceof Error ? err.message : String(err);
    if (reason === '') reason = 'probe failed';
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onCallerAbort);
    // Tells the prober to release anything still open (it already has on the normal path).
    if (!ac.signal.aborted) ac.abort(new Error('probe finished'));
  }
  const durationSeconds = (performance.now() - started) / 1000;
  const success = reason === undefined;
  if (success) ctx.log(`Probe succeeded duration_seconds=${durationSeconds}`);
  else ctx.log(`Probe failed: ${reason} duration_seconds=${durationSeconds}`);
  metrics.set('probe_success', HELP.success, success ? 1 : 0);
  metrics.set('probe_duration_seconds', HELP.duration, durationSeconds);
  metrics.set('probe_timeout_seconds', HELP.timeout, timeoutMs / 1000);
  if (reason !== undefined) metrics.set('probe_failure_reason', HELP.failureReason, 1, { reason });
  return { success, durationSeconds, failureReason: reason, metrics: metrics.list(), logs };
}

import type { Logger } from '../common/index.js';
import type { TargetGroup } from './target.js';

/** How long `start()` waits for the first refresh before returning (it goes on in the background). */
export const FIRST_REFRESH_WAIT_MS = 5_000;

/**
 * A discovery that polls (Prometheus' refresh.Discovery): `refresh` right away, then every
 * `intervalMs` (a tick while a refresh is still running is skipped). A refresh that throws is
 * logged and changes nothing: the previous groups stay. `onUpdate` receives every group, and
 * only when they changed. After `stop` (which aborts the refresh in flight) it hears nothing more.
 */
export abstract class RefreshDiscovery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastEmitted: string | undefined;
  private readonly abort = new AbortController();

  protected constructor(
    /** Names the mechanism in logs: `http_sd`, `dns_sd`. */
    private readonly mech: string,
    private readonly intervalMs: number,
    private readonly onUpdate: (groups: TargetGroup[]) => void,
    protected readonly logger: Logger,
  ) {}

  /** One refresh: every group of this discovery, or a throw (the previous groups stay). */
  protected abstract refresh(signal: AbortSignal): Promise<TargetGroup[]>;

  /** Fields added to the refresh failure log line (the URL, ...). */
  protected abstract describe(): Record<string, unknown>;

  /**
   * Starts polling. Resolves after the first refresh, or after FIRST_REFRESH_WAIT_MS when it is
   * slower (an unreachable server must not hold back a reload; its targets come when it answers).
   */
  async start(): Promise<void> {
    const first = this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([first, new Promise<void>((r) => (wait = setTimeout(r, FIRST_REFRESH_WAIT_MS)))]);
    clearTimeout(wait);
  }

  stop(): void {
    clearInterval(this.timer);
    this.abort.abort();
  }

  /** Runs a refresh now unless one is running (then waits for that one). */
  tick(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let groups: TargetGroup[];
    try {
      groups = await this.refresh(signal);
    } catch (err) {
      if (!signal.aborted) this.logger.error({ ...this.describe(), err: err instanceof Error ? err.message : String(err) }, `${this.mech}: unable to refresh target groups (the previous ones stay)`);
      return;
    }
    if (signal.aborted) return;
    const text = JSON.stringify(groups);
    if (text === this.lastEmitted) return;
    this.lastEmitted = text;
    try {
      this.onUpdate(groups);
    } catch (err) {
      this.logger.error({ ...this.describe(), err }, `${this.mech}: applying the discovered targets failed`);
    }
  }
}

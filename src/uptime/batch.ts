import type { Logger } from '../common/index.js';
import type { Appendable, Appender } from '../storage/index.js';

/**
 * Gathers the appends of many probe results into one storage batch, committed `delayMs` after
 * its first append (or on `flush`): at 67 results a second this is a few commits a second
 * instead of one per result. Appends are synchronous, so one batch is only ever filled by one
 * caller at a time. Samples become visible to queries when their batch commits.
 */
export class BatchedAppender {
  private app: Appender | undefined;
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly appendable: Appendable,
    private readonly delayMs: number,
    private readonly logger: Logger,
  ) {}

  /** Runs `fill` on the open batch (opening one if needed). `fill` must not keep the appender. */
  write(fill: (app: Appender) => void): void {
    if (this.app === undefined) {
      this.app = this.appendable.appender();
      this.timer = setTimeout(() => void this.flush(), this.delayMs);
    }
    fill(this.app);
  }

  /** Commits the open batch now; resolves when every batch opened before this call is committed. */
  flush(): Promise<void> {
    const app = this.app;
    if (app !== undefined) {
      clearTimeout(this.timer);
      this.app = undefined;
      this.timer = undefined;
      this.committing = this.committing.then(() =>
        app.commit().catch((err: unknown) => {
          this.logger.error({ err }, 'probe results could not be stored');
        }),
      );
    }
    return this.committing;
  }
}

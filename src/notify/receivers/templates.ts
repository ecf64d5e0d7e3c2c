import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type Clock, VigieError, systemClock } from '../../common/index.js';
import { Template, TemplateError } from '../../template/index.js';
import type { Notification } from '../types.js';
import { NotifyError } from './errors.js';
import { notificationTemplateData } from './template-data.js';
import { alertmanagerFuncs } from './template-funcs.js';
import { DEFAULT_TEMPLATE_LIBRARY } from './template-library.js';

/** A `templates:` file that cannot be read or parsed. */
export class NotificationTemplateLoadError extends VigieError {
  override name = 'NotificationTemplateLoadError';
}

/**
 * Alertmanager's notification templates: Vigie's default library (the names of Alertmanager's
 * default.tmpl) plus the `define`s of the config's `templates:` files (theirs win). Immutable.
 */
export class NotificationTemplates {
  private constructor(private readonly library: Template) {}

  /** Only the default library. `clock` feeds `since` (ms). */
  static defaults(clock: Clock = systemClock): NotificationTemplates {
    return NotificationTemplates.fromSources([], clock);
  }

  /** The default library plus these template texts (`name` is used in error positions). */
  static fromSources(sources: readonly { readonly name: string; readonly text: string }[], clock: Clock = systemClock): NotificationTemplates {
    let lib = Template.parse('default.tmpl', DEFAULT_TEMPLATE_LIBRARY, { funcs: alertmanagerFuncs(clock) });
    for (const s of sources) lib = Template.parse(s.name, s.text, { library: lib });
    return new NotificationTemplates(lib);
  }

  /**
   * Reads the `templates:` globs of the alerting config: paths relative to `baseDir` (the config
   * file's directory); `*`, `?` and `[…]` in the file-name part only, like Alertmanager's
   * filepath.Glob use. A glob matching nothing is fine. Throws NotificationTemplateLoadError.
   */
  static load(globs: readonly string[], baseDir: string, clock: Clock = systemClock): NotificationTemplates {
    const sources: { name: string; text: string }[] = [];
    for (const g of globs) {
      const abs = isAbsolute(g) ? g : resolve(baseDir, g);
      for (const file of expandGlob(abs)) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new NotificationTemplateLoadError(`reading template file ${file}: ${(err as Error).message}`, { cause: err });
        }
        sources.push({ name: file, text });
      }
    }
    try {
      return NotificationTemplates.fromSources(sources, clock);
    } catch (err) {
      throw new NotificationTemplateLoadError(err instanceof Error ? err.message : String(err), { cause: err });
    }
  }

  /** Names `{{ template "…" }}` can call, sorted. */
  definedTemplates(): string[] {
    return this.library.definedTemplates();
  }

  /**
   * Renders one configured field (`title`, `text`, …) for a notification: text mode, or html
   * mode (escaping) for an email's `html`. Throws TemplateError.
   */
  async render(text: string, n: Notification, opts: { readonly html?: boolean; readonly field?: string } = {}): Promise<string> {
    const tpl = Template.parse(opts.field ?? 'field', text, { library: this.library, ...(opts.html === true ? { html: true } : {}) });
    return tpl.execute(notificationTemplateData(n), { externalURL: n.externalURL });
  }

  /**
   * Renders the fields of an integration config that hold a template action (`{{`); the
   * others stay as they are. A template error becomes a non-retryable NotifyError naming the field.
   */
  async renderFields<C extends object>(kind: string, cfg: C, fields: readonly (keyof C & string)[], n: Notification, htmlFields: readonly string[] = []): Promise<C> {
    const out: Record<string, unknown> = { ...(cfg as Record<string, unknown>) };
    for (const f of fields) {
      const v = out[f];
      if (typeof v === 'string' && v.includes('{{')) out[f] = await this.renderOrFail(kind, f, v, n, htmlFields.includes(f));
      else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        // A map of templated strings (email headers, pagerduty details).
        const m: Record<string, unknown> = { ...(v as Record<string, unknown>) };
        for (const [k, e] of Object.entries(m)) if (typeof e === 'string' && e.includes('{{')) m[k] = await this.renderOrFail(kind, `${f}.${k}`, e, n, false);
        out[f] = m;
      }
    }
    return out as C;
  }

  private async renderOrFail(kind: string, field: string, text: string, n: Notification, html: boolean): Promise<string> {
    try {
      return await this.render(text, n, { html, field: `${kind}.${field}` });
    } catch (err) {
      if (err instanceof TemplateError) throw new NotifyError(`${kind}: rendering ${field}: ${err.message}`, false, 'other', undefined, { cause: err });
      throw err;
    }
  }
}

/** Files matching `abs` (wildcards in the last path element only), sorted. */
function expandGlob(abs: string): string[] {
  const dir = dirname(abs);
  const pattern = basename(abs);
  if (!/[*?[]/.test(pattern)) return [abs];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = new RegExp(
    '^' +
      pattern.replace(/\[[^\]]*\]|[*?]|[^*?[]+/g, (p) => (p === '*' ? '[^/]*' : p === '?' ? '[^/]' : p.startsWith('[') ? p.replace(/^\[\^?/, (x) => (x === '[^' ? '[^' : '[')) : p.replace(/[.+^${}()|\\\]]/g, '\\$&'))) +
      '$',
  );
  return names
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The templates an integration renders with: the configured ones, else the default library. */
export function templatesOf(deps: { readonly templates?: NotificationTemplates | undefined }): NotificationTemplates {
  return deps.templates ?? NotificationTemplates.defaults();
}

// The reporting aids: templates (text for several sections at once) and auto-text snippets (".norm" → text), kept
// by main in the report database. The settings panel (lib/report/AidsPanel.svelte) changes them; the editor reads
// them. What went wrong in the panel is said in the panel (`notice`), where the clinician is looking.
import type { ReportingAids, SnippetInput, TemplateInput } from '../../../../app/report/reporting-aids';
import { api } from '../api';
import { errorText, toasts } from './toasts.svelte';

export interface AidsNotice {
  tone: 'ok' | 'error';
  text: string;
}

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

class Aids {
  templates = $state<ReportingAids['templates']>([]);
  snippets = $state<ReportingAids['snippets']>([]);
  loaded = $state(false);
  busy = $state(false);
  /** The last outcome in the settings panel: a save, an import, an export, or why not. */
  notice = $state<AidsNotice | null>(null);

  #take(aids: ReportingAids): void {
    this.templates = aids.templates;
    this.snippets = aids.snippets;
    this.loaded = true;
  }

  async load(): Promise<void> {
    try {
      this.#take(await api.listAids());
    } catch (err) {
      toasts.push('error', 'The templates and snippets could not be read', errorText(err));
    }
  }

  /** Runs one change from the panel; true when it went through. */
  async #change(run: () => Promise<ReportingAids>, done: string): Promise<boolean> {
    this.busy = true;
    try {
      this.#take(await run());
      this.notice = { tone: 'ok', text: done };
      return true;
    } catch (err) {
      this.notice = { tone: 'error', text: errorText(err) };
      return false;
    } finally {
      this.busy = false;
    }
  }

  saveTemplate = (template: TemplateInput, id?: number) => this.#change(() => api.saveTemplate(template, id), `Template “${template.name.trim()}” saved.`);
  deleteTemplate = (id: number, name: string) => this.#change(() => api.deleteTemplate(id), `Template “${name}” deleted.`);
  saveSnippet = (snippet: SnippetInput, id?: number) => this.#change(() => api.saveSnippet(snippet, id), `Snippet ${snippet.trigger} saved.`);
  deleteSnippet = (id: number, trigger: string) => this.#change(() => api.deleteSnippet(id), `Snippet ${trigger} deleted.`);

  async exportFile(): Promise<void> {
    this.busy = true;
    try {
      const r = await api.exportAids();
      if (r.cancelled || !r.filePath) return;
      this.notice = {
        tone: 'ok',
        text: `Exported ${counted(this.templates.length, 'template', 'templates')} and ${counted(this.snippets.length, 'snippet', 'snippets')} to ${r.filePath}.`,
      };
    } catch (err) {
      this.notice = { tone: 'error', text: `Not exported: ${errorText(err)}` };
    } finally {
      this.busy = false;
    }
  }

  async importFile(): Promise<void> {
    this.busy = true;
    try {
      const r = await api.importAids();
      if (r.cancelled || !r.aids) return;
      this.#take(r.aids);
      const part = (c: { added: number; replaced: number }, one: string, many: string) =>
        `${counted(c.added, one, many)} added${c.replaced > 0 ? `, ${c.replaced} replaced` : ''}`;
      this.notice = { tone: 'ok', text: `Imported: ${part(r.templates, 'template', 'templates')}; ${part(r.snippets, 'snippet', 'snippets')}.` };
    } catch (err) {
      this.notice = { tone: 'error', text: errorText(err) };
    } finally {
      this.busy = false;
    }
  }
}

export const aids = new Aids();

// What each of the app's commands does in the window: one handler per command, for keys and menu clicks alike. A
// Record over the one command list (app/ipc/commands.ts), so the compiler refuses a command nobody handles.
import type { Command } from '../../../app/ipc/commands';
import { library } from './state/library.svelte';
import { reporting } from './state/reporting.svelte';
import { reading } from './state/reading.svelte';
import { ui } from './state/ui.svelte';
import { worklist } from './state/worklist.svelte';
import type { VoiSelection } from './viewer/voi';

/** The viewer's own commands (Viewer.svelte's exports). */
export interface ViewerCommands {
  applyPreset(preset: VoiSelection): void;
  fit(): void;
  actualSize(): void;
  rotate(): void;
  flipH(): void;
  flipV(): void;
  invert(): void;
  reset(): void;
  zoomBy(factor: number): void;
  clearMeasurements(): void;
  deleteMeasurement(): void;
}

export function commandHandlers(viewer: () => ViewerCommands | undefined): Record<Command, () => void> {
  return {
    'tool-wl': () => (ui.tool = 'wl'),
    'tool-pan': () => (ui.tool = 'pan'),
    'tool-zoom': () => (ui.tool = 'zoom'),
    'tool-measure': () => (ui.tool = 'measure'),
    'tool-angle': () => (ui.tool = 'angle'),
    'tool-ctr': () => (ui.tool = 'ctr'),
    'delete-measurement': () => viewer()?.deleteMeasurement(),
    'clear-measurements': () => viewer()?.clearMeasurements(),
    'preset-header': () => viewer()?.applyPreset('header'),
    'preset-lung': () => viewer()?.applyPreset('lung'),
    'preset-mediastinum': () => viewer()?.applyPreset('mediastinum'),
    'preset-bone': () => viewer()?.applyPreset('bone'),
    invert: () => viewer()?.invert(),
    fit: () => viewer()?.fit(),
    actual: () => viewer()?.actualSize(),
    'zoom-in': () => viewer()?.zoomBy(1.25),
    'zoom-out': () => viewer()?.zoomBy(0.8),
    rotate: () => viewer()?.rotate(),
    'flip-h': () => viewer()?.flipH(),
    'flip-v': () => viewer()?.flipV(),
    reset: () => viewer()?.reset(),
    'toggle-boxes': () => (ui.showBoxes = !ui.showBoxes),
    'layout-1x1': () => reading.setLayout('1x1'),
    'layout-1x2': () => reading.setLayout('1x2'),
    'layout-2x2': () => reading.setLayout('2x2'),
    compare: () => reading.toggleCompare(),
    'link-views': () => (reading.linked = !reading.linked),
    'open-files': () => void library.openFiles(),
    'open-folder': () => void library.openFolder(),
    'open-samples': () => void library.openSamples(),
    'next-study': () => worklist.next(),
    'previous-study': () => worklist.previous(),
    'next-unreported': () => worklist.nextUnreported(),
    'close-study': () => void worklist.close(),
    'find-study': () => {
      const search = document.getElementById('study-search');
      if (search instanceof HTMLInputElement) {
        search.focus();
        search.select();
      }
    },
    'show-worklist': () => (ui.sidebar = 'worklist'),
    'show-pacs': () => (ui.pacsOpen = true),
    draft: () => reporting.requestDraft(),
    'discard-draft': () => reporting.discardDraft(),
    undo: () => reporting.undo(),
    'sign-report': () => reporting.requestSign(),
    'export-report': () => reporting.requestExport(),
    'copy-report': () => void reporting.copyReport(),
    'show-models': () => (ui.modelsOpen = true),
    'show-help': () => (ui.helpOpen = true),
    'show-reporting-settings': () => (ui.aidsOpen = true),
  };
}

// What the window shows: the viewer's tool and window choice, which panels are open, located boxes on or off, whether the
// image on screen could be displayed. Layout state only; the report's state lives in reporting.svelte.ts.
import type { Tool } from '../viewer/tool';
import type { VoiSelection } from '../viewer/voi';

class Ui {
  tool = $state<Tool>('wl');
  /** The window menu's choice: a preset or one of the file's own VOIs (null: a custom window from dragging). */
  preset = $state<VoiSelection | null>('header');
  /** The image's own windows and VOI LUTs, offered in the window menu. */
  voiOptions = $state<Array<{ value: VoiSelection; label: string }>>([]);
  helpOpen = $state(false);
  modelsOpen = $state(false);
  /** The templates and snippets settings panel. */
  aidsOpen = $state(false);
  pacsOpen = $state(false);
  /** What the sidebar lists: the studies opened here, or the PACS worklist. */
  sidebar = $state<'studies' | 'worklist'>('studies');
  changesOpen = $state(false);
  showBoxes = $state(true);
  /** Why the image on screen cannot be displayed, or null: nothing is drafted or located from it then. */
  viewerError = $state<string | null>(null);
}

export const ui = new Ui();

// What the window shows: the viewer's tool and preset, which panels are open, located boxes on or off, whether the
// image on screen could be displayed. Layout state only; the report's state lives in reporting.svelte.ts.
import type { Tool } from '../viewer/tool';
import type { Preset } from '../viewer/voi';

class Ui {
  tool = $state<Tool>('wl');
  preset = $state<Preset | null>('header');
  helpOpen = $state(false);
  modelsOpen = $state(false);
  changesOpen = $state(false);
  showBoxes = $state(true);
  /** Why the image on screen cannot be displayed, or null: nothing is drafted or located from it then. */
  viewerError = $state<string | null>(null);
}

export const ui = new Ui();

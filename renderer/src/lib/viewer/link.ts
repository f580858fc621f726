// Linked viewports (Compare): what one viewport hands the others when the user zooms, pans or windows it. Zoom is
// relative to each image's fit and pan is on screen, so two films of different sizes move together.
export interface LinkState {
  /** Scale over the scale that fits the image to its viewport. */
  zoom: number;
  /** The pan, in screen pixels. */
  offset: { x: number; y: number };
  /** The window, when this change set one (else the followers keep theirs). */
  window: { center: number; width: number } | null;
}

/** What a left-button drag on the image does: window/level, pan, zoom, or draw a length, an angle or a CTR. */
export type Tool = 'wl' | 'pan' | 'zoom' | 'measure' | 'angle' | 'ctr';

/** The tools that draw a measurement. */
export const MEASURE_TOOLS: readonly Tool[] = ['measure', 'angle', 'ctr'];

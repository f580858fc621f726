/** What a left-button drag on the image does. */
export type Tool = 'wl' | 'pan' | 'zoom' | 'measure';

// The part of cornerstone-core 2.6's API the viewer uses (the package ships no types).
declare module 'cornerstone-core' {
  export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array;

  export interface Point {
    x: number;
    y: number;
  }

  /** A lookup table as cornerstone takes one for the Modality or VOI LUT step. */
  export interface CornerstoneLut {
    /** cornerstone reuses its cached LUT while the ids match. */
    id: string;
    firstValueMapped: number;
    numBitsPerEntry: number;
    lut: number[];
  }

  export interface CornerstoneImage {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData(): PixelArray;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    rgba?: boolean;
    invert: boolean;
    /** Becomes the default viewport's VOI LUT (and so what reset() restores). */
    voiLUT?: CornerstoneLut;
    columnPixelSpacing?: number;
    rowPixelSpacing?: number;
    sizeInBytes: number;
  }

  export interface Viewport {
    scale: number;
    translation: Point;
    voi: { windowWidth: number; windowCenter: number };
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    modalityLUT?: CornerstoneLut;
    voiLUT?: CornerstoneLut;
  }

  export interface EnabledElement {
    element: HTMLElement;
    image?: CornerstoneImage;
    viewport?: Viewport;
    canvas: HTMLCanvasElement;
  }

  export interface ImageLoadObject {
    promise: Promise<CornerstoneImage>;
    cancelFn?: () => void;
  }

  export function enable(element: HTMLElement, options?: { renderer?: string }): void;
  export function disable(element: HTMLElement): void;
  export function registerImageLoader(scheme: string, loader: (imageId: string) => ImageLoadObject): void;
  export function loadImage(imageId: string): Promise<CornerstoneImage>;
  export function displayImage(element: HTMLElement, image: CornerstoneImage, viewport?: Partial<Viewport>): void;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: CornerstoneImage): Viewport;
  export function fitToWindow(element: HTMLElement): void;
  export function resize(element: HTMLElement, forcedResize?: boolean): void;
  export function reset(element: HTMLElement): void;
  export function updateImage(element: HTMLElement, invalidated?: boolean): void;
  export function draw(element: HTMLElement): void;
  export function pageToPixel(element: HTMLElement, pageX: number, pageY: number): Point;
  export function pixelToCanvas(element: HTMLElement, pt: Point): Point;
  export function canvasToPixel(element: HTMLElement, pt: Point): Point;
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export const EVENTS: { IMAGE_RENDERED: string; NEW_IMAGE: string; ELEMENT_RESIZED: string };
  export const imageCache: {
    purgeCache(): void;
    setMaximumSizeBytes(bytes: number): void;
  };
}

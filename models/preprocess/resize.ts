// Placeholder signature; implemented with the PaliGemma preprocessing work.
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}

/**
 * Resizes an 8-bit single-channel image to outWidth×outHeight the way torchvision's antialiased bicubic
 * resize does (Keys cubic a = -0.5, support widened by the scale factor), rounding to uint8.
 */
export function resizeGray8(_src: Uint8Array, _width: number, _height: number, _outWidth: number, _outHeight: number): Uint8Array {
  throw new NotImplementedError('resizeGray8 is not implemented yet');
}

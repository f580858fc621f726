export { resizeGray8, ResizeError } from './resize';
export { type Raster8, collapseGrey } from './raster';
export { readImageFile, decodeImage, decodePng, decodeJpeg, sniffImageFormat, ImageReadError, type ImageFormat } from './image-file';
export {
  toPixelValues,
  rasterToPixelValues,
  preprocessRaster,
  parseF32PixelValues,
  readPixelValuesFile,
  PixelValuesError,
} from './pixel-values';

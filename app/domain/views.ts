// Which image of a study a reader looks at, and which one a draft is made from: a chest radiograph is reported
// from its frontal projection. View Position (0018,5101), PS3.3 C.8.11.5: PA, then AP; laterals and unknown views
// after them.

/** Frontal projections, the preferred first. */
const FRONTAL_VIEWS = ['PA', 'AP'];

interface Viewed {
  imageId: string;
  viewPosition: string;
}

/** Sort key: PA 0, AP 1, every other view after them. */
export function viewRank(viewPosition: string): number {
  const i = FRONTAL_VIEWS.indexOf(viewPosition.toUpperCase());
  return i < 0 ? FRONTAL_VIEWS.length : i;
}

/** The first PA image, else the first AP image, else undefined. */
export function frontalImage<T extends Viewed>(images: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const image of images) {
    const rank = viewRank(image.viewPosition);
    if (rank < FRONTAL_VIEWS.length && (best === undefined || rank < viewRank(best.viewPosition))) best = image;
  }
  return best;
}

/** The image a reader opens a study on: frontal, else the first. */
export function preferredImage<T extends Viewed>(images: readonly T[]): T | undefined {
  return frontalImage(images) ?? images[0];
}

/** The image a draft (or Locate) runs on: frontal, else the one on screen, else the first. */
export function draftImage<T extends Viewed>(images: readonly T[], shownImageId: string): T | undefined {
  return frontalImage(images) ?? images.find((i) => i.imageId === shownImageId) ?? images[0];
}

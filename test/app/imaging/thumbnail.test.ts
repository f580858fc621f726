import { describe, expect, it } from 'vitest';
import { thumbnailOf } from '../../../app/imaging/thumbnail';

describe('thumbnails', () => {
  it('shrinks to fit the side, keeping the aspect, averaging each cell', () => {
    const width = 400;
    const height = 200;
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = x < width / 2 ? 0 : 200;
    const t = thumbnailOf({ width, height, data }, 100);
    expect([t.width, t.height]).toEqual([100, 50]);
    expect(t.pixels[10 * 100 + 10]).toBe(0);
    expect(t.pixels[10 * 100 + 90]).toBe(200);
    expect(thumbnailOf({ width: 10, height: 20, data: new Uint8Array(200).fill(7) }, 128)).toMatchObject({ width: 10, height: 20 });
  });
});

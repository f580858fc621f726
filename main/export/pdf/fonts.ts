// The fonts the PDF export embeds (DejaVu, free licence beside them): a font inside the PDF renders every Latin,
// Greek and Cyrillic name the same on every reader, and its ToUnicode map keeps the text extractable.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExportError } from '../atomic-write';

export interface PdfFonts {
  regular: string;
  bold: string;
  mono: string;
}

/**
 * The folder beside this file in the sources, dist/fonts beside a bundle (dist/<entry>/x.cjs) as the build copies
 * it, or the sources' folder above a test's bundle.
 */
export function pdfFonts(): PdfFonts {
  const candidates = [join(__dirname, 'fonts')];
  for (let dir = __dirname, up = 0; up < 5; up++, dir = dirname(dir)) candidates.push(join(dir, 'fonts'), join(dir, 'dist', 'fonts'), join(dir, 'main', 'export', 'pdf', 'fonts'));
  const found = candidates.find((d) => existsSync(join(d, 'DejaVuSans.ttf')));
  if (!found) throw new ExportError('The PDF fonts are missing from this installation; reinstall Radraft.');
  return { regular: join(found, 'DejaVuSans.ttf'), bold: join(found, 'DejaVuSans-Bold.ttf'), mono: join(found, 'DejaVuSansMono.ttf') };
}

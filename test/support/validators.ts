// The independent validators the export tests run on the files Radraft writes: dciodvfy (dicom3tools), dsrdump
// (DCMTK), pdftotext (poppler-utils). .ci/run installs them; a missing tool fails the test with how to install it.
import { execFileSync, spawnSync } from 'node:child_process';

function run(tool: string, args: string[], packageName: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: apt-get install ${packageName} (.ci/run does this).`);
  }
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** dciodvfy's verdict on a DICOM file: its Error lines (none for a valid object) and its whole output. */
export function dciodvfy(file: string): { errors: string[]; output: string } {
  const { stdout, stderr } = run('dciodvfy', [file], 'dicom3tools');
  const output = `${stdout}${stderr}`;
  return { errors: output.split('\n').filter((line) => /^Error/.test(line)), output };
}

/** dsrdump's rendering of an SR: full values, codes, template ids, text converted to UTF-8. */
export function dsrdump(file: string): string {
  const { stdout, stderr, status } = run('dsrdump', ['+Pl', '+Pc', '+Pt', '+U8', '+Pu', file], 'dcmtk');
  if (status !== 0) throw new Error(`dsrdump could not read ${file}: ${stderr}`);
  return stdout;
}

/** dcmdump (DCMTK) of a file, for attribute checks by an independent reader. */
export function dcmdump(file: string, extra: string[] = []): string {
  const { stdout, stderr, status } = run('dcmdump', ['+U8', ...extra, file], 'dcmtk');
  if (status !== 0) throw new Error(`dcmdump could not read ${file}: ${stderr}`);
  return stdout;
}

/** The text pdftotext (poppler) extracts from a PDF, in reading order. */
export function pdftotext(file: string): string {
  run('pdftotext', ['-v'], 'poppler-utils');
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

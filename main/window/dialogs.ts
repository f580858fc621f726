// Native dialogs for ServiceDeps.dialogs; everything else in main sees only paths.
import { dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { EXPORT_FORMAT_INFO, type ExportFormat } from '../../app/domain/export';

export function nativeDialogs(window: () => BrowserWindow | null, documentsDir: string) {
  const parent = (): BrowserWindow | undefined => window() ?? undefined;
  const show = async (options: Electron.OpenDialogOptions): Promise<string[]> => {
    const w = parent();
    const result = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  };
  return {
    openFiles: () =>
      show({
        title: 'Open DICOM files, a DICOMDIR or a zip archive',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'DICOM, DICOMDIR, zip', extensions: ['dcm', 'dicom', 'dic', 'zip', '*'] }],
      }),
    openFolder: async () => (await show({ title: 'Open a folder or disc of DICOM files', properties: ['openDirectory'] }))[0] ?? null,
    openModelFolder: async () => (await show({ title: 'Import a PaliGemma 2 model folder', properties: ['openDirectory'] }))[0] ?? null,
    openValidationFolder: async (purpose: 'dataset' | 'images' | 'export') => {
      const title =
        purpose === 'dataset' ? 'Validate on a dataset folder (images + reports.jsonl)'
        : purpose === 'images' ? "Folder with the signed studies' images"
        : 'Empty folder to write the training set into';
      const properties: Electron.OpenDialogOptions['properties'] = purpose === 'export' ? ['openDirectory', 'createDirectory'] : ['openDirectory'];
      return (await show({ title, properties }))[0] ?? null;
    },
    openAidsFile: async () =>
      (await show({ title: 'Import templates and snippets', properties: ['openFile'], filters: [{ name: 'Radraft templates and snippets', extensions: ['json'] }] }))[0] ?? null,
    saveAidsFile: async (defaultName: string) => {
      const options: Electron.SaveDialogOptions = {
        title: 'Export templates and snippets',
        defaultPath: join(documentsDir, defaultName),
        filters: [{ name: 'Radraft templates and snippets', extensions: ['json'] }],
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      };
      const w = parent();
      const result = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    saveFile: async (defaultName: string, format: ExportFormat = 'text') => {
      const info = EXPORT_FORMAT_INFO[format];
      const options: Electron.SaveDialogOptions = {
        title: format === 'deidentified' ? 'Export a de-identified copy (a new folder)' : `Export report as ${info.label}`,
        defaultPath: join(documentsDir, defaultName),
        filters: info.extension === '' ? [] : [{ name: info.label, extensions: [info.extension] }],
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      };
      const w = parent();
      const result = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}

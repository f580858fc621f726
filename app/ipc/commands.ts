// Every command a person can give Radraft, from a key, a button or the application menu: one list, so the menu
// (main/window/menu-template.ts), the keyboard table (renderer/src/lib/shortcuts.ts), the `menu:command` event and
// the renderer's one handler table (renderer/src/lib/commands.ts) cannot drift apart. Plain data: no zod here, so
// the preload and the renderer can import it without pulling in schemas.
export const COMMANDS = [
  // Viewer tools
  'tool-wl',
  'tool-pan',
  'tool-zoom',
  'tool-measure',
  'tool-angle',
  'tool-ctr',
  'delete-measurement',
  'clear-measurements',
  // Window presets
  'preset-header',
  'preset-lung',
  'preset-mediastinum',
  'preset-bone',
  'invert',
  // View
  'fit',
  'actual',
  'zoom-in',
  'zoom-out',
  'rotate',
  'flip-h',
  'flip-v',
  'reset',
  'toggle-boxes',
  // Reading room: layout, comparison with a prior, linked viewports
  'layout-1x1',
  'layout-1x2',
  'layout-2x2',
  'compare',
  'link-views',
  // Studies
  'open-files',
  'open-folder',
  'open-samples',
  'next-study',
  'previous-study',
  'next-unreported',
  'close-study',
  'find-study',
  // Hospital integration
  'show-worklist',
  'show-pacs',
  // Report
  'draft',
  'discard-draft',
  'undo',
  'sign-report',
  'export-report',
  'copy-report',
  // Panels
  'show-models',
  'show-help',
  'show-reporting-settings',
] as const;

export type Command = (typeof COMMANDS)[number];

export function isCommand(value: unknown): value is Command {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value);
}

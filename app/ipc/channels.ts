// Channel names only (no schemas) so the preload can bundle them without zod.
// contract.ts is checked against these lists at compile time.
export const INVOKE_CHANNELS = [
  'studies:openDialog',
  'studies:openPaths',
  'studies:openSamples',
  'studies:takePendingOpens',
  'studies:list',
  'studies:resolveIdentity',
  'image:load',
  'report:get',
  'report:save',
  'report:insertDraft',
  'report:discardDraft',
  'report:sign',
  'report:saveAddendum',
  'report:signAddendum',
  'report:export',
  'report:copy',
  'models:list',
  'models:importDialog',
  'models:setActive',
  'models:verify',
  'models:validate',
  'models:cancelValidation',
  'models:openValidationReport',
  'models:exportTrainingSet',
  'draft:start',
  'draft:cancel',
  // Reading room (issue 11)
  'studies:close',
  'studies:priors',
  'studies:openPrior',
  'reports:progress',
  'image:thumbnail',
  'measurements:list',
  'measurements:add',
  'measurements:delete',
  'aids:list',
  'aids:saveTemplate',
  'aids:deleteTemplate',
  'aids:saveSnippet',
  'aids:deleteSnippet',
  'aids:export',
  'aids:import',
  'report:sendToPacs',
  'pacs:settings',
  'pacs:saveNode',
  'pacs:deleteNode',
  'pacs:testNode',
  'pacs:saveListener',
  'pacs:savePredraft',
  'pacs:chooseWatchedFolder',
  'pacs:saveCache',
  'worklist:query',
  'worklist:open',
  'worklist:cancel',
  'predraft:status',
  'predraft:setPaused',
  'predraft:prioritise',
  'predraft:retryFailed',
  'predraft:clearFinished',
] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

export const EVENT_CHANNELS = [
  'draft:event',
  'models:importProgress',
  'models:validateProgress',
  'menu:command',
  'studies:openRequested',
  'studies:changed',
  'pacs:retrieveProgress',
  'predraft:changed',
] as const;
export type EventChannel = (typeof EVENT_CHANNELS)[number];

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && (EVENT_CHANNELS as readonly string[]).includes(name);
}

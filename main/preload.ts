// The renderer's only door to main: one typed object, channel names checked against the contract's lists.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isEventChannel, isInvokeChannel } from '../app/ipc/channels';
import type { RadraftBridge } from '../app/ipc/contract';

const bridge: RadraftBridge = {
  invoke(channel, request) {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`Unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, request);
  },
  on(event, listener) {
    if (!isEventChannel(event)) throw new Error(`Unknown event ${String(event)}`);
    const wrapped = (_e: IpcRendererEvent, payload: Parameters<typeof listener>[0]): void => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => void ipcRenderer.removeListener(event, wrapped);
  },
  pathForFile: (file) => webUtils.getPathForFile(file) ?? '',
};

contextBridge.exposeInMainWorld('radraft', bridge);

/**
 * The preload exposes `window.studio = { call, on }` and nothing else: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventEnvelope } from '../../shared/contract/events';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/contract/transport';

contextBridge.exposeInMainWorld('studio', {
  call: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_CALL_CHANNEL, { method, input }),
  on: (listener: (event: EventEnvelope) => void): (() => void) => {
    const wrapped = (_event: IpcRendererEvent, envelope: EventEnvelope) => listener(envelope);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
});

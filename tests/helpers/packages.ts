/**
 * Course packages in tests: a file picker standing in for the OS dialogs (it answers with paths the test chose), the
 * export and import calls as the renderer makes them, and a reader for what is inside a package file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { StudioHost } from '../../electron/studio/host';
import type { HostFilePicker } from '../../electron/studio/services/package-jobs';
import { ZipFileReader } from '../../electron/studio/services/zip';
import type { MethodOutput } from '../../shared/contract/index';
import { callOk } from './host';

/** Saves into `outDir` under the suggested name; opens whatever `next` names (null: the creator dismissed it). */
export interface TestPicker extends HostFilePicker {
  outDir: string;
  next: string | null;
}

export function testPicker(outDir: string): TestPicker {
  const picker: TestPicker = {
    outDir,
    next: null,
    chooseSavePath: (name) => Promise.resolve(path.join(picker.outDir, name)),
    chooseOpenPath: () => Promise.resolve(picker.next),
  };
  return picker;
}

export const newJobId = () => randomBytes(9).toString('base64url');

/** Exports through `packages.export` on a host with a picker; returns the saved file's path. */
export async function exportPackage(host: StudioHost, courseId: string, jobId = newJobId()): Promise<{ file: string; fileName: string; size: number }> {
  const result = await callOk(host, 'packages.export', { courseId, jobId });
  if (result.outcome !== 'saved') throw new Error(`export ended ${result.outcome}`);
  return { file: result.path, fileName: result.fileName, size: result.size };
}

/** Uploads a package file in chunks the way the browser page does; returns the session id. */
export async function uploadPackage(host: StudioHost, file: string): Promise<string> {
  const size = fs.statSync(file).size;
  const { sessionId, chunkBytes } = await callOk(host, 'packages.uploadStart', { fileName: path.basename(file), size });
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(chunkBytes);
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, offset);
      await callOk(host, 'packages.uploadChunk', { sessionId, offset, data: new Uint8Array(buffer.subarray(0, bytesRead)) });
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return sessionId;
}

/** Uploads then imports a package file; the import must succeed. */
export async function importPackage(host: StudioHost, file: string): Promise<Extract<MethodOutput<'packages.import'>, { outcome: 'imported' }>> {
  const sessionId = await uploadPackage(host, file);
  const result = await callOk(host, 'packages.import', { jobId: newJobId(), source: { kind: 'upload', sessionId } });
  if (result.outcome !== 'imported') throw new Error('import dismissed');
  return result;
}

/** Every entry of a (small) package file, read with generous limits. */
export async function readPackage(file: string): Promise<Map<string, Buffer>> {
  const reader = await ZipFileReader.open(file, { maxEntries: 100, maxEntryBytes: () => 1e9, maxTotalBytes: 4e9, maxRatio: 1e9, ratioFloorBytes: 0 });
  try {
    const out = new Map<string, Buffer>();
    for (const entry of reader.entries.values()) out.set(entry.name, await reader.readAll(entry));
    return out;
  } finally {
    await reader.close();
  }
}

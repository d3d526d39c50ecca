/** Imports an image file chosen by the creator into the media library (the host checks it is an image) and gives its hash. */
import type { StudioClient } from '../../api/client';
import { readAsBase64 } from '../../api/read-file';

export async function importImage(client: StudioClient, file: File): Promise<string> {
  const media = await client.call('media.importImage', { fileName: file.name, dataBase64: await readAsBase64(file) });
  return media.hash;
}

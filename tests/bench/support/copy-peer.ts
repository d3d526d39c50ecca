/**
 * The peer the media and package benchmarks are measured against: what any importer must at least do with a file —
 * read it, SHA-256 it and write it durably — in plain Node, chunk by chunk.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export async function readHashWrite(files: string[], outDir: string, chunkBytes: number): Promise<void> {
  const buffer = Buffer.alloc(chunkBytes);
  for (const file of files) {
    const hash = createHash('sha256');
    const input = await fs.promises.open(file, 'r');
    const output = await fs.promises.open(path.join(outDir, path.basename(file)), 'w');
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      await output.write(buffer, 0, bytesRead);
    }
    hash.digest('hex');
    await output.datasync();
    await output.close();
    await input.close();
  }
}

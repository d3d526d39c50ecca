/**
 * Paste and drop into a lesson body. Every pasted HTML goes through the shared sanitizer (the same code the host runs
 * on save) before ProseMirror parses it, so Word's mso markup, web pages' classes and scripts, and WeChat articles'
 * section soup arrive as the WeChat-safe subset. Pasted or dropped image files — and images embedded in pasted HTML
 * as data: URLs — are stored through the host (content-addressed media) and referenced by hash; sync uploads them later.
 */
import { TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { mediaSrc } from '../../../../shared/rich-text/schema';
import { sanitizeRichText, type SanitizeReport } from '../../../../shared/rich-text/sanitize';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const DATA_IMAGE = /<img\b[^>]*?\bsrc\s*=\s*["']?(data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+)["']?/gi;

export function imageFiles(list: FileList | null | undefined): File[] {
  return [...(list ?? [])].filter((f) => IMAGE_TYPES.has(f.type));
}

/** Figures for stored images, as HTML the editor parses (and the sanitizer keeps). */
export function figureContent(hashes: string[]): string {
  return hashes.map((h) => `<figure><img src="${mediaSrc(h)}" alt=""><figcaption></figcaption></figure>`).join('');
}

function dataUrlToFile(url: string, index: number): File {
  const [head, data] = url.split(',', 2) as [string, string];
  const type = /^data:([^;]+)/.exec(head)?.[1] ?? 'image/png';
  const binary = atob(data.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return new File([bytes], `pasted-${index + 1}.${type.split('/')[1] ?? 'png'}`, { type });
}

export interface PasteOptions {
  /** Stores image files through the host; resolves with the hashes of those it accepted. */
  importImages(files: File[]): Promise<string[]>;
  /** What the sanitizer left out of a paste, for the notice above the editor. */
  onSanitized(report: SanitizeReport): void;
}

export function pasteHandlers(options: PasteOptions) {
  return {
    transformPastedHTML(html: string): string {
      const result = sanitizeRichText(html);
      options.onSanitized(result.report);
      return result.html;
    },
    handlePaste(view: EditorView, event: ClipboardEvent): boolean {
      const data = event.clipboardData;
      if (!data) return false;
      const html = data.getData('text/html');
      const files = imageFiles(data.files);
      const embedded = html ? [...html.matchAll(DATA_IMAGE)].map((m) => m[1] as string) : [];
      if (embedded.length > 0) {
        event.preventDefault();
        void (async () => {
          const hashes = await options.importImages(embedded.map(dataUrlToFile));
          let k = 0;
          // Each embedded image is replaced by its stored copy (in order); one the host refused stays a data: URL,
          // which the sanitizer then leaves out and reports.
          const replaced = html.replace(DATA_IMAGE, (whole: string, url: string) => {
            const hash = hashes[k++];
            return hash ? whole.replace(url, mediaSrc(hash)) : whole;
          });
          view.pasteHTML(replaced);
        })();
        return true;
      }
      if (!html && files.length > 0) {
        event.preventDefault();
        void options.importImages(files).then((hashes) => {
          if (hashes.length > 0) view.pasteHTML(figureContent(hashes));
        });
        return true;
      }
      return false;
    },
    handleDrop(view: EditorView, event: DragEvent, _slice: unknown, moved: boolean): boolean {
      if (moved) return false;
      const files = imageFiles(event.dataTransfer?.files);
      if (files.length === 0) return false;
      event.preventDefault();
      const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
      void options.importImages(files).then((hashes) => {
        if (hashes.length === 0) return;
        if (at) {
          // Insert where the files were dropped (the document may have changed while they were stored).
          const { doc, tr } = view.state;
          view.dispatch(tr.setSelection(TextSelection.near(doc.resolve(Math.min(at.pos, doc.content.size)))));
        }
        view.pasteHTML(figureContent(hashes));
      });
      return true;
    },
  };
}

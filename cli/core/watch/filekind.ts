// What a file dropped in the inbox (or found in a watched folder) is to the model, judged by its
// name and its first and last bytes. Pure: the bytes come in, a verdict goes out. A file is
// attached only when its content is what its name says: a truncated PDF or a renamed file would be
// refused by the Messages API with a 400, failing the run; judged here it is kept and reported once.

export const IMAGE_TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' } as const;
export const TEXT_EXTENSIONS = ['txt', 'csv', 'json', 'log', 'yaml', 'yml', 'tsv', 'xml'] as const;

export type FileKind =
  | { kind: 'image'; media_type: string }
  | { kind: 'document'; media_type: 'application/pdf' }
  | { kind: 'text' }
  | { kind: 'unsupported'; why: string };

export interface Caps {
  imageKb: number;
  pdfKb: number;
  textKb: number;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function startsWith(head: Uint8Array, bytes: number[] | string, at = 0): boolean {
  const want = typeof bytes === 'string' ? [...bytes].map((c) => c.charCodeAt(0)) : bytes;
  if (head.length < at + want.length) return false;
  return want.every((b, i) => head[at + i] === b);
}

/** The image format the first bytes say, if any. */
function sniffImage(head: Uint8Array): string | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return 'image/gif';
  if (startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8)) return 'image/webp';
  return undefined;
}

/**
 * The verdict for one file: `head` is its first bytes (at least 16), `tail` its last ones (up to
 * 1 KB: a complete PDF ends with %%EOF there), `size` its length in bytes.
 */
export function fileKind(name: string, size: number, head: Uint8Array, tail: Uint8Array, caps: Caps): FileKind {
  const ext = extensionOf(name);
  const kb = Math.ceil(size / 1024);
  if (ext in IMAGE_TYPES) {
    const said = sniffImage(head);
    if (!said) return { kind: 'unsupported', why: `its content is not a ${ext.toUpperCase()} image (the model would refuse it)` };
    if (size > caps.imageKb * 1024) return { kind: 'unsupported', why: `an image of ${kb} KB, over the cap of ${caps.imageKb} KB (inbox.max_image_kb)` };
    return { kind: 'image', media_type: said };
  }
  if (ext === 'pdf') {
    const tailText = String.fromCharCode(...tail);
    if (!startsWith(head, '%PDF-') || !tailText.includes('%%EOF')) return { kind: 'unsupported', why: 'it is not a complete PDF (no %PDF- header or no %%EOF at its end)' };
    if (size > caps.pdfKb * 1024) return { kind: 'unsupported', why: `a PDF of ${kb} KB, over the cap of ${caps.pdfKb} KB (inbox.max_pdf_kb)` };
    return { kind: 'document', media_type: 'application/pdf' };
  }
  if ((TEXT_EXTENSIONS as readonly string[]).includes(ext)) {
    // A NUL in the first bytes: a binary file with a text name.
    if (head.includes(0)) return { kind: 'unsupported', why: `its content is not text (a .${ext} file with binary bytes)` };
    if (size > caps.textKb * 1024) return { kind: 'unsupported', why: `a text of ${kb} KB, over the cap of ${caps.textKb} KB (inbox.max_item_kb)` };
    return { kind: 'text' };
  }
  return { kind: 'unsupported', why: `the model takes images (png, jpeg, gif, webp), PDFs and text files (${TEXT_EXTENSIONS.join(', ')}), not ${ext ? `.${ext}` : 'a file without an extension'}` };
}

/** How an attachment is named in the item's text: "report.pdf (PDF, 12 KB)". */
export function describeFile(name: string, size: number, kind: FileKind): string {
  const what = kind.kind === 'image' ? `${kind.media_type.slice(6).toUpperCase()} image` : kind.kind === 'document' ? 'PDF' : 'text';
  return `${name} (${what}, ${Math.max(1, Math.ceil(size / 1024))} KB)`;
}

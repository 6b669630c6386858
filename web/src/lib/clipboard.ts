/**
 * Copies `text`. The Clipboard API needs a secure context, which a hub on a
 * LAN address often is not: then the fallback element's text is selected so
 * Ctrl+C copies it, and the answer is false.
 */
export async function copyText(text: string, fallback: HTMLElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!fallback) return false;
    const range = document.createRange();
    range.selectNodeContents(fallback);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return false;
  }
}

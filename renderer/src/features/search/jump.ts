/**
 * After opening a course from a search hit, moves the focus to the chapter or lesson that matched, once the editor
 * has rendered it (the outline marks its title inputs with `data-focus-key="title-<id>"`). Gives up after a few
 * seconds — the course is open either way.
 */
export function focusOutlineItem(targetId: string, timeoutMs = 4000): void {
  const deadline = Date.now() + timeoutMs;
  const attempt = () => {
    const input = document.querySelector<HTMLElement>(`[data-focus-key="title-${CSS.escape(targetId)}"]`);
    if (input) {
      input.scrollIntoView({ block: 'center' });
      input.focus();
      return;
    }
    if (Date.now() < deadline) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

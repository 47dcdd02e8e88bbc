// Staff area niceties. Everything works without this file.
// 1. Move focus to an error summary so keyboard and screen-reader users land on it.
// 2. Ask before irreversible actions (forms marked data-confirm).
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-focus]');
  if (summary instanceof HTMLElement) summary.focus();
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.getAttribute('data-confirm') ?? '')) event.preventDefault();
    });
  }
});

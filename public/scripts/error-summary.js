// Error summary (GOV.UK pattern): focus moves to the summary so screen readers read it first, and
// each link puts the cursor in its field rather than only scrolling to it. Without JavaScript the
// links still scroll to the field (every one targets an element id on the page).
(() => {
  const summary = document.querySelector('.error-summary[data-focus]');
  if (!(summary instanceof HTMLElement)) return;
  summary.focus();
  summary.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    const target = link ? document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1))) : null;
    if (!target) return;
    event.preventDefault();
    // Show the label and hint above the field too, not just the input at the top edge.
    (target.closest('.field, fieldset') ?? target).scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  });
})();

// The print buttons of printable sheets (village disclosure sheet, case files, judgements, the direct
// reporting slip) need JavaScript, so they are hidden until this runs; without it the browser's own
// print works the same.
for (const button of document.querySelectorAll('[data-print][hidden]')) button.hidden = false;
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});

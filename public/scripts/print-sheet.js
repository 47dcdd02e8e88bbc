// Printed case sheets: the print button is hidden until this runs (without JavaScript the browser's own print works the same).
for (const button of document.querySelectorAll('[data-print][hidden]')) button.hidden = false;
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});

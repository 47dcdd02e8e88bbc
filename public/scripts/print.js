// The print button on disclosure sheets; without JavaScript the browser's own print works the same.
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});

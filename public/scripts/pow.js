// Proof of work for the complaint form (ALTCHA v1 challenge: find n with sha256(salt + n) = challenge).
// Runs in the background after the page loads; the form works without it (see report/index.astro).
(() => {
  const form = document.querySelector('form[data-pow]');
  if (!form || !window.crypto || !crypto.subtle) return;
  const challenge = JSON.parse(form.getAttribute('data-pow'));
  const field = form.querySelector('input[name="pow"]');
  const encoder = new TextEncoder();
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
  (async () => {
    for (let n = 0; n <= challenge.maxnumber; n++) {
      if (hex(await crypto.subtle.digest('SHA-256', encoder.encode(challenge.salt + n))) === challenge.challenge) {
        field.value = btoa(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: n, salt: challenge.salt, signature: challenge.signature }));
        return;
      }
    }
  })();
})();

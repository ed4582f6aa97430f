// The dashboard's "Listen on your phone" corner: the gateway draws the QR
// code of its /listen page (docs/http.md, "/listen.svg"). Shown only once
// the image came: a gateway that allows no listeners answers 404.

const box = document.getElementById('listen-qr');
const code = document.getElementById('listen-qr-code');

code.addEventListener('load', () => { box.hidden = false; }, { once: true });
code.addEventListener('error', () => { box.hidden = true; }, { once: true });
code.src = '/listen.svg';

/* The portal's script. It only enhances: every page and the whole
   application work without it. It runs from this file alone, because the
   Content-Security-Policy allows no inline script. */
(function () {
  'use strict';

  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  /* ---- Exit this page ----
     The button is a plain link to a neutral site. Here it also blanks the
     page at once, clears what the parent typed (and any saved draft), and
     leaves with location.replace, so Back does not return here. Pressing
     Shift three times within five seconds does the same. It cannot erase
     the browser's history; the "Stay safe online" page says so. */
  var exitLinks = document.querySelectorAll('[data-exit]');
  if (exitLinks.length) {
    var exitURL = exitLinks[0].getAttribute('href');

    var exitPage = function (event) {
      if (event) { event.preventDefault(); }
      root.classList.add('exiting');
      document.title = '\u00a0';
      clearAnswers();
      location.replace(exitURL);
    };

    for (var i = 0; i < exitLinks.length; i++) {
      exitLinks[i].addEventListener('click', exitPage);
    }

    /* Count Shift presses on key release. A Shift released right after a
       shifted key (typing a capital letter) does not count, and any other
       key starts the count again, so typing never triggers an exit. Left
       and right Shift both count. */
    var presses = 0;
    var timer = null;
    var lastKeyShifted = false;
    var reset = function () { presses = 0; clearTimeout(timer); timer = null; };
    document.addEventListener('keyup', function (event) {
      if (event.key === 'Shift') {
        if (!lastKeyShifted) {
          presses += 1;
          clearTimeout(timer);
          timer = setTimeout(reset, 5000);
          if (presses >= 3) { reset(); exitPage(); return; }
        }
      } else {
        reset();
      }
      lastKeyShifted = event.shiftKey;
    }, true);
  }

  /* Empties every field, hidden ones too (they carry answers on the check
     page), and drops the saved drafts. */
  function clearAnswers() {
    var fields = document.querySelectorAll('input, textarea, select');
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === 'checkbox' || f.type === 'radio') { f.checked = false; }
      else if (f.tagName === 'SELECT') { f.selectedIndex = -1; }
      else if (f.type !== 'submit' && f.type !== 'button') { f.value = ''; }
    }
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be off */ }
  }
})();

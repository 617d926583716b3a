/* The portal's script. It only enhances: every page and the whole
   application work without it. It runs from this file alone, because the
   Content-Security-Policy allows no inline script. */
(function () {
  'use strict';

  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  /* Drafts live in sessionStorage only: they end with the tab, and are
     never written to disk the way localStorage is. A form a parent at
     risk sends (data-no-draft) keeps none at all, and its pages write
     nothing into the browser's storage: its answers travel only in the
     page, in hidden fields, between steps. */
  var DRAFT = 'draft:';
  var store = null;
  try { store = window.sessionStorage; } catch (e) { /* storage may be off */ }

  /* ---- Exit this page ----
     The button is a plain link to a neutral site. Here it also blanks the
     page at once, clears what the parent typed (and any saved draft), and
     leaves with location.replace, so Back does not return here. Pressing
     Shift three times within five seconds does the same. It cannot erase
     the browser's history; the "Stay safe online" page says so. */
  var exitLinks = document.querySelectorAll('[data-exit]');
  if (exitLinks.length) {
    var exitURL = exitLinks[0].href;

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

    /* A Shift press counts when it is released with no other key pressed
       while it was down: Shift held for a capital letter, or for
       Shift+Tab, does not count, and any other key starts the count
       again, so typing never triggers an exit. Left and right Shift both
       count. The five seconds run from the first press. */
    var presses = 0;
    var timer = null;
    var otherKey = false;
    var reset = function () { presses = 0; clearTimeout(timer); timer = null; };
    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Shift') {
        otherKey = true;
        reset();
      } else if (!event.repeat) {
        otherKey = false;
      }
    }, true);
    document.addEventListener('keyup', function (event) {
      if (event.key !== 'Shift' || otherKey) { return; }
      presses += 1;
      if (presses === 1) { timer = setTimeout(reset, 5000); }
      if (presses >= 3) { reset(); exitPage(); }
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
    if (store) { try { store.clear(); } catch (e) { /* nothing to clear */ } }
  }

  /* ---- Drafts ----
     The form is saved as the parent types, under its id, and put back
     into the empty page form after a reload or on the other language's
     page. A form the function sent back already holds the answers, so it
     is never overwritten. The confirmation page and "Exit this page"
     drop the drafts. */
  function answerFields(form) {
    var out = [];
    for (var i = 0; i < form.elements.length; i++) {
      var f = form.elements[i];
      if (!f.name || f.name.charAt(0) === '_' || f.closest('.hp') ||
          f.type === 'hidden' || f.type === 'submit' || f.type === 'button') { continue; }
      out.push(f);
    }
    return out;
  }

  function isChoice(f) { return f.type === 'radio' || f.type === 'checkbox'; }

  function saveDraft(form) {
    var pairs = [];
    var fields = answerFields(form);
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (isChoice(f) ? f.checked : f.value !== '') { pairs.push([f.name, f.value]); }
    }
    try { store.setItem(DRAFT + form.id, JSON.stringify(pairs)); } catch (e) { /* full or off */ }
  }

  function restoreDraft(form) {
    var fields = answerFields(form);
    for (var i = 0; i < fields.length; i++) {
      if (isChoice(fields[i]) ? fields[i].checked : fields[i].value !== '') { return; }
    }
    var pairs;
    try { pairs = JSON.parse(store.getItem(DRAFT + form.id) || '[]'); } catch (e) { return; }
    for (var j = 0; j < pairs.length; j++) {
      for (var k = 0; k < fields.length; k++) {
        var f = fields[k];
        if (f.name !== pairs[j][0]) { continue; }
        if (isChoice(f)) {
          if (f.value === pairs[j][1]) { f.checked = true; }
        } else {
          f.value = pairs[j][1];
        }
      }
    }
  }

  /* After a send, Back must not put the answers on screen again (a shared
     device): the confirmation notes that it was sent, and a page come
     back to from history empties its forms while that note stands. A
     parent who starts typing again starts a new application. */
  var SENT = 'sent';
  function cameBack(event) {
    if (event && event.persisted) { return true; }
    var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    return !!nav && nav.type === 'back_forward';
  }
  /* Takes the answers off a page come back to from history: empties the
     fields of the forms that match, removes what carries the answers
     (the form after the first step, the answers to check: hidden fields
     too), and, if anything was removed, shows the notices that say why. */
  function forgetAnswers(forms, notices) {
    var matched = document.querySelectorAll(forms);
    for (var i = 0; i < matched.length; i++) {
      var fields = answerFields(matched[i]);
      for (var j = 0; j < fields.length; j++) {
        var f = fields[j];
        if (isChoice(f)) { f.checked = false; }
        else if (f.tagName === 'SELECT') { f.selectedIndex = 0; }
        else { f.value = ''; }
      }
    }
    var carriers = document.querySelectorAll('[data-answers]');
    for (var k = 0; k < carriers.length; k++) { carriers[k].parentNode.removeChild(carriers[k]); }
    if (carriers.length > 0) {
      var notes = document.querySelectorAll(notices);
      for (var m = 0; m < notes.length; m++) { notes[m].hidden = false; }
    }
  }

  if (store) {
    if (document.querySelector('[data-sent]')) {
      for (var n = store.length - 1; n >= 0; n--) {
        var name = store.key(n);
        if (name && name.indexOf(DRAFT) === 0) { store.removeItem(name); }
      }
      if (!document.querySelector('[data-sent][data-no-draft]')) {
        try { store.setItem(SENT, '1'); } catch (e) { /* off */ }
      }
    }
    var onShow = function (event) {
      if (!store.getItem(SENT) || !cameBack(event)) { return; }
      forgetAnswers('form[data-draft]', '[data-sent-notice]');
    };
    onShow();
    window.addEventListener('pageshow', onShow);
    document.addEventListener('input', function () { store.removeItem(SENT); }, true);
    var drafts = document.querySelectorAll('form[data-draft]:not([data-no-draft])');
    for (var d = 0; d < drafts.length; d++) {
      (function (form) {
        restoreDraft(form);
        var save = function () { saveDraft(form); };
        form.addEventListener('input', save);
        form.addEventListener('change', save);
      })(drafts[d]);
    }
  }

  /* ---- Forms that keep no draft ----
     Come back to through the browser's history (Back, Forward), a page
     of such a form shows no answers: its fields are emptied and what
     carries the answers is removed, with a note saying why. This needs
     no storage, so it holds whether or not the form was sent. */
  if (document.querySelector('form[data-no-draft]')) {
    var onShowNoDraft = function (event) {
      if (!cameBack(event)) { return; }
      forgetAnswers('form[data-no-draft]', '[data-history-notice]');
    };
    onShowNoDraft();
    window.addEventListener('pageshow', onShowNoDraft);
  }

  /* ---- Leaving with unsent answers ----
     A form with data-leave-warning asks before the page is left once a
     field has been changed: the answers are nowhere else. Sending the
     form, or "Exit this page", does not ask. */
  var warnForms = document.querySelectorAll('form[data-leave-warning]');
  var leaveWarning = function (event) {
    if (root.classList.contains('exiting')) { return undefined; } // "Exit this page", Shift three times
    event.preventDefault();
    event.returnValue = warnForms[0].getAttribute('data-leave-warning');
    return event.returnValue;
  };
  var warning = false;
  var stopWarning = function () {
    if (warning) { window.removeEventListener('beforeunload', leaveWarning); warning = false; }
  };
  var startWarning = function (event) {
    if (warning || !event.target || !event.target.name || event.target.name.charAt(0) === '_') { return; }
    window.addEventListener('beforeunload', leaveWarning);
    warning = true;
  };
  for (var w = 0; w < warnForms.length; w++) {
    warnForms[w].addEventListener('input', startWarning);
    warnForms[w].addEventListener('change', startWarning);
    warnForms[w].addEventListener('submit', stopWarning);
  }
  if (warnForms.length) {
    /* The language menu's buttons submit the form from outside it. */
    document.addEventListener('submit', stopWarning, true);
    var exits = document.querySelectorAll('[data-exit]');
    for (var x = 0; x < exits.length; x++) { exits[x].addEventListener('click', stopWarning, true); }
  }

  /* ---- Error summary ----
     It has autofocus; focus it here too, for browsers that skip that.
     Its links go to the field; the field's label or the group's legend
     is scrolled into view with it, so the question is on screen. */
  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    if (document.activeElement !== summary) { summary.focus(); }
    summary.addEventListener('click', function (event) {
      var link = event.target.closest('a');
      var field = link && link.hash && document.getElementById(link.hash.slice(1));
      if (!field || typeof field.focus !== 'function') { return; }
      var group = isChoice(field) && field.closest('fieldset');
      var question = (group && group.querySelector('legend')) ||
        document.querySelector('label[for="' + field.id + '"]') || field;
      event.preventDefault();
      question.scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  /* ---- Buttons that must not be pressed twice ----
     A second press while the first one's page is loading would send the
     form twice. */
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-prevent-double-click]');
    if (!button) { return; }
    if (button.hasAttribute('data-pressed')) {
      event.preventDefault();
      return;
    }
    button.setAttribute('data-pressed', '');
    setTimeout(function () { button.removeAttribute('data-pressed'); }, 5000);
  });
  window.addEventListener('pageshow', function () {
    var pressed = document.querySelectorAll('[data-pressed]');
    for (var i = 0; i < pressed.length; i++) { pressed[i].removeAttribute('data-pressed'); }
  });

  /* ---- Print ---- */
  var printButtons = document.querySelectorAll('[data-print]');
  for (var p = 0; p < printButtons.length; p++) {
    printButtons[p].addEventListener('click', function () { window.print(); });
  }
})();

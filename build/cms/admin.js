// The web editor's one addition to Decap CMS (package build/cms): it
// saves the keys of every group in the order of the group's fields, which
// is the order of the files as committed. Decap keeps a group of more
// than eight keys (its Immutable.js map) in no order, so without this a
// change of one interface text would reorder the whole file.
"use strict";
(function () {
  var order = {};
  fetch("order.json")
    .then(function (r) { return r.json(); })
    .then(function (o) { order = o; });

  function arrange(value, spec) {
    if (!spec || !value || typeof value.toOrderedMap !== "function") {
      return value;
    }
    if (typeof value.push === "function") { // a list: each item
      return value.map(function (item) { return arrange(item, spec); });
    }
    var rank = function (key) {
      var i = spec.keys.indexOf(key);
      return i < 0 ? spec.keys.length : i;
    };
    return value.toOrderedMap()
      .sortBy(function (v, key) { return rank(key); })
      .map(function (v, key) { return arrange(v, spec.sub && spec.sub[key]); });
  }

  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var spec = order[event.entry.get("collection")];
      return spec ? arrange(event.entry.get("data"), spec) : undefined;
    },
  });
})();

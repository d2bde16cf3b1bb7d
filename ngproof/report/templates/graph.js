/* The dependency graph's pan, zoom, focus, filters and search.  Reads only the SVG's data-*
   attributes; without this script the graph is a scrolling picture whose boxes link to the cards. */
(function () {
  "use strict";
  var view = document.getElementById("graph-view");
  var svg = view && view.querySelector("svg.graph");
  if (!svg) { return; }
  var tools = document.getElementById("graph-tools");
  var panel = document.getElementById("graph-focus");
  var full = { w: svg.viewBox.baseVal.width, h: svg.viewBox.baseVal.height };
  var nodes = {}, rests = {}, carries = {}, edges = [];
  Array.prototype.forEach.call(svg.querySelectorAll("a.node"), function (a) {
    nodes[a.getAttribute("data-id")] = a; rests[a.getAttribute("data-id")] = []; carries[a.getAttribute("data-id")] = [];
  });
  Array.prototype.forEach.call(svg.querySelectorAll("path.edge"), function (p) {
    var from = p.getAttribute("data-from"), to = p.getAttribute("data-to");
    edges.push({ el: p, from: from, to: to });
    rests[to].push(from); carries[from].push(to);
  });

  /* Pan and zoom: the viewBox follows a scale and an offset; one SVG unit is one CSS pixel at 1:1. */
  var state = { x: 0, y: 0, scale: 1 };
  view.classList.add("panzoom");
  tools.hidden = false;
  function apply() {
    var w = view.clientWidth / state.scale, h = view.clientHeight / state.scale;
    svg.setAttribute("width", view.clientWidth);
    svg.setAttribute("height", view.clientHeight);
    svg.setAttribute("viewBox", [state.x, state.y, w, h].map(function (v) { return v.toFixed(1); }).join(" "));
  }
  function zoom(factor, cx, cy) {
    var next = Math.min(4, Math.max(0.05, state.scale * factor));
    cx = cx === undefined ? view.clientWidth / 2 : cx;
    cy = cy === undefined ? view.clientHeight / 2 : cy;
    state.x += cx / state.scale - cx / next;
    state.y += cy / state.scale - cy / next;
    state.scale = next;
    apply();
  }
  function show(box, fit) {
    if (fit) { state.scale = Math.min(1, view.clientWidth / box.w, view.clientHeight / box.h); }
    state.x = box.x + box.w / 2 - view.clientWidth / state.scale / 2;
    state.y = box.y + box.h / 2 - view.clientHeight / state.scale / 2;
    if (!fit) { state.x = Math.max(state.x, box.x - 40); }
    apply();
  }
  view.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = view.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  var drag = null;
  view.addEventListener("pointerdown", function (e) {
    drag = { x: e.clientX, y: e.clientY, sx: state.x, sy: state.y, moved: false };
  });
  window.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; view.classList.add("dragging"); }
    state.x = drag.sx - dx / state.scale; state.y = drag.sy - dy / state.scale; apply();
  });
  window.addEventListener("pointerup", function () {
    view.classList.remove("dragging");
    setTimeout(function () { drag = null; }, 0);
  });
  window.addEventListener("resize", apply);
  document.getElementById("graph-zoom-in").addEventListener("click", function () { zoom(1.25); });
  document.getElementById("graph-zoom-out").addEventListener("click", function () { zoom(0.8); });
  document.getElementById("graph-fit").addEventListener("click", function () {
    show({ x: 0, y: 0, w: full.w, h: full.h }, true);
  });
  document.getElementById("graph-actual").addEventListener("click", function () { state.scale = 1; zoom(1); });

  /* Focus: a claim, everything it rests on (transitively) and everything that rests on it. */
  function reach(start, next) {
    var seen = {}, todo = [start];
    while (todo.length) {
      var id = todo.pop();
      (next[id] || []).forEach(function (n) { if (!seen[n]) { seen[n] = true; todo.push(n); } });
    }
    return seen;
  }
  function clearFocus() {
    svg.classList.remove("focusing");
    Array.prototype.forEach.call(svg.querySelectorAll(".lit, .focus, .upstream, .downstream"), function (el) {
      el.classList.remove("lit", "focus", "upstream", "downstream");
    });
    panel.hidden = true;
  }
  function focus(id, pan) {
    var node = nodes[id];
    if (!node) { return false; }
    clearFocus();
    var up = reach(id, rests), down = reach(id, carries);
    svg.classList.add("focusing");
    node.classList.add("lit", "focus");
    Object.keys(up).forEach(function (n) { nodes[n].classList.add("lit", "upstream"); });
    Object.keys(down).forEach(function (n) { nodes[n].classList.add("lit", "downstream"); });
    edges.forEach(function (e) {
      if ((up[e.to] || e.to === id) && up[e.from]) { e.el.classList.add("lit", "upstream"); }
      if ((down[e.from] || e.from === id) && down[e.to]) { e.el.classList.add("lit", "downstream"); }
    });
    var title = node.getAttribute("data-title"), status = node.getAttribute("data-status");
    panel.textContent = "";
    var head = document.createElement("strong"); head.textContent = id; panel.appendChild(head);
    panel.appendChild(document.createTextNode(" — " + title + " (" + status + ", " + node.getAttribute("data-outcome") +
      "). Rests on " + Object.keys(up).length + " claims (" + rests[id].length + " directly); " +
      Object.keys(down).length + " rest on it (" + carries[id].length + " directly). "));
    var link = document.createElement("a"); link.href = "#claim-" + id; link.textContent = "Read the claim";
    panel.appendChild(link);
    panel.hidden = false;
    if (pan) { var b = node.getBBox(); show({ x: b.x, y: b.y, w: b.width, h: b.height }, false); }
    return true;
  }
  Object.keys(nodes).forEach(function (id) {
    nodes[id].addEventListener("click", function (e) {
      e.preventDefault();
      if (drag && drag.moved) { return; }
      focus(id, false);
      history.replaceState(null, "", "#" + id);
    });
  });
  document.getElementById("graph-clear").addEventListener("click", function () {
    clearFocus(); history.replaceState(null, "", location.pathname + location.search);
  });
  function fromHash(initial) {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (nodes[hash]) {
      focus(hash, true);
      if (initial) { document.getElementById("graph").scrollIntoView(); }
    } else if (hash.indexOf("claim-") === 0) {
      focus(hash.slice(6), true);
    }
  }
  window.addEventListener("hashchange", function () { fromHash(false); });

  /* Filters and search: nodes that do not match fade, and so do edges touching them. */
  var find = document.getElementById("graph-find"), section = document.getElementById("graph-section");
  var tag = document.getElementById("graph-tag"), outcome = document.getElementById("graph-outcome");
  var statuses = tools.querySelectorAll(".graph-status"), count = document.getElementById("graph-count");
  function matches(a, words) {
    var allowed = Array.prototype.some.call(statuses, function (box) {
      return box.checked && box.value === a.getAttribute("data-status");
    });
    var text = (a.getAttribute("data-id") + " " + a.getAttribute("data-title")).toLowerCase();
    return allowed && (!section.value || a.getAttribute("data-section") === section.value) &&
      (!tag.value || (" " + a.getAttribute("data-tags") + " ").indexOf(" " + tag.value + " ") >= 0) &&
      (!outcome.value || a.getAttribute("data-outcome") === outcome.value) &&
      words.every(function (w) { return text.indexOf(w) >= 0; });
  }
  function filter() {
    var words = find.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0, first = null;
    Object.keys(nodes).forEach(function (id) {
      var ok = matches(nodes[id], words);
      nodes[id].classList.toggle("dim", !ok);
      nodes[id].classList.toggle("found", ok && words.length > 0);
      if (ok) { shown += 1; first = first || id; }
    });
    edges.forEach(function (e) {
      e.el.classList.toggle("dim", nodes[e.from].classList.contains("dim") || nodes[e.to].classList.contains("dim"));
    });
    count.textContent = shown + " of " + Object.keys(nodes).length + " claims match";
    return first;
  }
  [section, tag, outcome].concat(Array.prototype.slice.call(statuses)).forEach(function (el) {
    el.addEventListener("change", filter);
  });
  section.addEventListener("change", function () {
    var band = section.value && svg.querySelector('g.cluster[data-cluster="' + section.value + '"]');
    if (band) { var b = band.getBBox(); show({ x: b.x, y: b.y, w: b.width, h: b.height }, true); }
  });
  find.addEventListener("input", filter);
  find.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      var first = filter();
      if (first) { focus(first, true); history.replaceState(null, "", "#" + first); }
    }
  });
  apply();
  filter();
  fromHash(true);
}());

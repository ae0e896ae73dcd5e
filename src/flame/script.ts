/**
 * The script embedded in every flame graph SVG: hover shows a frame's details, a click zooms to a
 * frame (its callers stay, dimmed, full width; everything else hides), "Search" (or Ctrl-F) takes a
 * regular expression, colours matching frames and shows the share of all samples under them
 * ("Matched: 12.3%"); "ic" toggles case; Escape resets. `?s=REGEX` in the URL searches on load.
 * Plain ES5 in one string so the SVG works on its own in any browser, without network.
 */
export const FLAME_SCRIPT = String.raw`"use strict";
var conf, frames = [], details, matched, searchBtn, resetBtn, icBtn, zoomed = null, term = null, ignoreCase = false;
var HIT = "rgb(230,0,230)";
function attr(e, n) { return e.getAttribute(n); }
function num(e, n) { return parseFloat(e.getAttribute(n)); }
function init(evt) {
  var svg = document.getElementById("flame");
  conf = { xpad: num(svg, "data-xpad"), width: num(svg, "data-width"), fs: num(svg, "data-fontsize"),
    fw: num(svg, "data-fontwidth"), inverted: attr(svg, "data-inverted") === "1", nametype: attr(svg, "data-nametype") };
  details = document.getElementById("details");
  matched = document.getElementById("matched");
  searchBtn = document.getElementById("search");
  resetBtn = document.getElementById("reset");
  icBtn = document.getElementById("ignorecase");
  var gs = document.getElementById("frames").children;
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i], rect = g.querySelector("rect"), title = g.querySelector("title").textContent;
    var f = { g: g, rect: rect, text: g.querySelector("text"), title: title, name: title.slice(0, title.lastIndexOf(" (")),
      x: num(rect, "x"), w: num(rect, "width"), y: num(rect, "y"), fill: attr(rect, "fill"), hit: false };
    g.frame = f;
    frames.push(f);
  }
  var box = document.getElementById("frames");
  box.addEventListener("click", function (e) { var f = frameOf(e.target); if (f) zoom(f); });
  box.addEventListener("mouseover", function (e) { var f = frameOf(e.target); if (f) details.textContent = conf.nametype + " " + f.title; });
  box.addEventListener("mouseout", function () { details.textContent = " "; });
  searchBtn.addEventListener("click", function () { if (term === null) askSearch(); else clearSearch(); });
  resetBtn.addEventListener("click", unzoom);
  icBtn.addEventListener("click", function () {
    ignoreCase = !ignoreCase;
    icBtn.setAttribute("class", ignoreCase ? "on" : "");
    if (term !== null) search(term);
  });
  window.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "f" || e.key === "F") || e.key === "F3") { e.preventDefault(); askSearch(); }
    else if (e.key === "Escape") { clearSearch(); unzoom(); }
  });
  var s = /[?&]s=([^&]*)/.exec(window.location.search);
  if (s) search(decodeURIComponent(s[1]));
}
function frameOf(node) {
  while (node && node.parentNode && node.parentNode.id !== "frames") node = node.parentNode;
  return node && node.frame ? node.frame : null;
}
function deeper(a, b) { return conf.inverted ? a.y > b.y : a.y < b.y; }
function fit(f, x, w) {
  var chars = Math.floor(w / (conf.fs * conf.fw)), t = "";
  if (chars >= 3) t = f.name.length > chars ? f.name.slice(0, chars - 2) + ".." : f.name;
  f.text.textContent = t;
  f.text.setAttribute("x", (x + 3).toFixed(2));
}
function place(f, x, w, cls) {
  f.rect.setAttribute("x", x.toFixed(2));
  f.rect.setAttribute("width", w.toFixed(2));
  f.g.setAttribute("class", cls);
  fit(f, x, w);
}
function zoom(f) {
  var eps = 1e-6, full = conf.width - 2 * conf.xpad, ratio = full / f.w;
  for (var i = 0; i < frames.length; i++) {
    var o = frames[i];
    if (o === f || (deeper(o, f) && o.x >= f.x - eps && o.x + o.w <= f.x + f.w + eps)) place(o, conf.xpad + (o.x - f.x) * ratio, o.w * ratio, "");
    else if (deeper(f, o) && o.x <= f.x + eps && o.x + o.w >= f.x + f.w - eps) place(o, conf.xpad, full, "parent");
    else o.g.setAttribute("class", "hide");
  }
  zoomed = f;
  resetBtn.setAttribute("class", "");
}
function unzoom() {
  if (zoomed === null) return;
  for (var i = 0; i < frames.length; i++) place(frames[i], frames[i].x, frames[i].w, "");
  zoomed = null;
  resetBtn.setAttribute("class", "hide");
}
function askSearch() {
  var t = window.prompt("Search for (regular expression):", term === null ? "" : term);
  if (t !== null && t !== "") search(t);
}
function search(t) {
  var re;
  try { re = new RegExp(t, ignoreCase ? "i" : ""); } catch (err) { matched.textContent = "Bad expression: " + t; return; }
  term = t;
  var hits = [];
  for (var i = 0; i < frames.length; i++) {
    var f = frames[i];
    f.hit = re.test(f.name);
    f.rect.setAttribute("fill", f.hit ? HIT : f.fill);
    if (f.hit) hits.push([f.x, f.x + f.w]);
  }
  hits.sort(function (a, b) { return a[0] - b[0]; });
  var sum = 0, end = -Infinity;
  for (var j = 0; j < hits.length; j++) {
    var a = Math.max(hits[j][0], end);
    if (hits[j][1] > a) { sum += hits[j][1] - a; end = hits[j][1]; }
  }
  var pct = 100 * sum / (conf.width - 2 * conf.xpad);
  matched.textContent = "Matched: " + (pct < 0.1 && pct > 0 ? pct.toFixed(2) : pct.toFixed(1)) + "%";
  searchBtn.textContent = "Reset Search";
  searchBtn.setAttribute("class", "on");
}
function clearSearch() {
  if (term === null) return;
  for (var i = 0; i < frames.length; i++) { frames[i].hit = false; frames[i].rect.setAttribute("fill", frames[i].fill); }
  term = null;
  matched.textContent = " ";
  searchBtn.textContent = "Search";
  searchBtn.setAttribute("class", "");
}
`;

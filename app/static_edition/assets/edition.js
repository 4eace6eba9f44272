/* The static edition's one script: draws each chart from the figure JSON baked into the page,
   with the plotly.js the site serves itself. Without JavaScript (or if drawing fails) the PNG
   image and the data table stay. Charts are drawn when they come near the screen, so a page of
   many charts stays light on a phone. */
(function () {
  "use strict";
  var CONFIG = {responsive: true, displaylogo: false, modeBarButtonsToRemove: ["toImage"]};

  function draw(box) {
    if (box.getAttribute("data-drawn") || !window.Plotly) {
      return;
    }
    var source = document.getElementById(box.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    box.setAttribute("data-drawn", "1");
    var spec = JSON.parse(source.textContent);
    var target = document.createElement("div");
    target.className = "chart-live";
    target.setAttribute("role", "img");
    target.setAttribute("aria-label", box.getAttribute("data-alt") || "");
    box.insertBefore(target, box.firstChild);
    var fallback = box.querySelector(".chart-image");
    if (fallback) {
      fallback.hidden = true;
    }
    window.Plotly.newPlot(target, spec.data, spec.layout || {}, CONFIG).catch(function () {
      target.parentNode.removeChild(target);
      if (fallback) {
        fallback.hidden = false;
      }
    });
  }

  function start() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
    if (!("IntersectionObserver" in window)) {
      boxes.forEach(draw);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, {rootMargin: "600px 0px"});
    boxes.forEach(function (box) { observer.observe(box); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* The static edition's one script: draws each chart from the figure JSON baked into the page,
   with the plotly.js the site serves itself. Without JavaScript the page shows the chart's PNG
   (in <noscript>) and the data table; where plotly.js is missing or fails, this script puts the
   PNG in the chart's place. Charts are drawn when they come near the screen, so a page of many
   charts stays light on a phone; their height is kept free meanwhile, so the page does not jump. */
(function () {
  "use strict";
  var CONFIG = {responsive: true, displaylogo: false, modeBarButtonsToRemove: ["toImage"]};

  function image(box) {
    if (box.querySelector(".chart-image")) {
      return;
    }
    var img = document.createElement("img");
    img.className = "chart-image";
    img.src = box.getAttribute("data-image");
    img.alt = box.getAttribute("data-alt") || "";
    img.width = Number(box.getAttribute("data-image-width"));
    img.height = Number(box.getAttribute("data-image-height"));
    box.style.minHeight = "";
    box.insertBefore(img, box.firstChild);
  }

  function draw(box) {
    if (box.getAttribute("data-drawn")) {
      return;
    }
    box.setAttribute("data-drawn", "1");
    var source = document.getElementById(box.getAttribute("data-figure"));
    if (!window.Plotly || !source) {
      image(box);
      return;
    }
    var target = document.createElement("div");
    target.className = "chart-live";
    // A labelled group, not role="img": the live chart holds controls (Plotly's toolbar, its drag
    // layers), and an image may contain none (axe-core: nested-interactive).
    target.setAttribute("role", "group");
    target.setAttribute("aria-label", box.getAttribute("data-alt") || "");
    box.insertBefore(target, box.firstChild);
    try {
      var spec = JSON.parse(source.textContent);
      window.Plotly.newPlot(target, spec.data, spec.layout || {}, CONFIG).then(function () {
        box.style.minHeight = "";
      }, function () {
        box.removeChild(target);
        image(box);
      });
    } catch (error) {
      box.removeChild(target);
      image(box);
    }
  }

  function start() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
    boxes.forEach(function (box) {
      box.style.minHeight = (Number(box.getAttribute("data-height")) || 450) + "px";
    });
    if (!window.Plotly || !("IntersectionObserver" in window)) {
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

  // An embed tells the article around its frame how tall it is, as the app's embed does: the
  // embed snippet's listener fits the frame to it (its per-width heights are an estimate). The
  // message's name comes from the page (the app's own constant); it carries a number only.
  function reportHeight() {
    var name = document.body.getAttribute("data-embed-message");
    if (!name || window.parent === window || !("ResizeObserver" in window)) {
      return;
    }
    var main = document.querySelector("main") || document.body;
    var last = 0;
    function send() {
      var margin = parseFloat(window.getComputedStyle(document.body).marginBottom) || 0;
      var height = Math.ceil(main.getBoundingClientRect().bottom + window.pageYOffset + margin);
      if (Math.abs(height - last) > 2) {
        last = height;
        var message = {};
        message[name] = height;
        window.parent.postMessage(message, "*");
      }
    }
    new ResizeObserver(send).observe(main);
    send();
  }

  function ready() {
    start();
    reportHeight();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

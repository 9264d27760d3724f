/* The actors' network as an interactive graph (Cytoscape.js), coloured by level,
   sized by degree, with search and focus on one organisation and its neighbours.
   The table of the same page holds every figure without JavaScript. */
(function () {
  "use strict";
  var box = document.getElementById("network-graph");
  if (!box || !window.cytoscape) {
    return;
  }
  var limit = parseInt(box.dataset.limit, 10);
  var status = document.getElementById("network-graph-status");
  // Okabe–Ito: told apart with any colour vision.
  // (black is kept for the organisation found).
  var colours = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#332288", "#999999"];

  function say(text) {
    status.textContent = text;
  }

  fetch(box.dataset.source, {headers: {Accept: "application/json"}, credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (network) {
      if (network.nodes.length === 0) {
        say(box.dataset.empty);
        return;
      }
      if (network.nodes.length > limit) {
        say(box.dataset.tooLarge);
        return;
      }
      var levels = {};
      network.nodes.forEach(function (node) {
        if (!(node.level in levels)) {
          levels[node.level] = colours[Object.keys(levels).length % colours.length];
        }
      });
      var names = JSON.parse(document.getElementById("network-level-names").textContent);
      var elements = network.nodes.map(function (node) {
        return {data: {
          id: String(node.id), label: node.name, colour: levels[node.level],
          size: 12 + Math.sqrt(node.degree) * 8
        }};
      }).concat(network.edges.map(function (edge) {
        return {data: {id: edge.source + "-" + edge.target, source: String(edge.source), target: String(edge.target)}};
      }));
      box.hidden = false;
      var graph = window.cytoscape({
        container: box,
        elements: elements,
        style: [
          {selector: "node", style: {
            "background-color": "data(colour)", width: "data(size)", height: "data(size)",
            label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3,
            "border-width": 1, "border-color": "#333333"
          }},
          {selector: "edge", style: {width: 1, "line-color": "#9aa5b1", "curve-style": "haystack"}},
          {selector: ".faded", style: {opacity: 0.12}},
          {selector: "node.found", style: {"border-width": 4, "border-color": "#000000"}}
        ],
        layout: {name: "cose", animate: false, randomize: false, nodeRepulsion: 8000}
      });
      var legend = document.getElementById("network-legend");
      Object.keys(levels).forEach(function (level) {
        var item = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.backgroundColor = levels[level];
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(" " + (names[level] || "—")));
        legend.appendChild(item);
      });
      legend.hidden = false;
      var form = document.getElementById("network-search");
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var wanted = form.elements.organisation.value.trim().toLowerCase();
        graph.elements().removeClass("faded found");
        if (!wanted) {
          graph.fit();
          say("");
          return;
        }
        var found = graph.nodes().filter(function (node) {
          return node.data("label").toLowerCase().indexOf(wanted) !== -1;
        });
        if (found.length === 0) {
          say(box.dataset.notFound);
          return;
        }
        var near = found.closedNeighborhood();
        graph.elements().difference(near).addClass("faded");
        found.addClass("found");
        graph.fit(near, 40);
        if (graph.zoom() > 1.2) {
          graph.zoom({level: 1.2, position: found.first().position()});
        }
        say(box.dataset.found.replace("%s", found.length));
      });
      graph.on("tap", "node", function (event) {
        var near = event.target.closedNeighborhood();
        graph.elements().removeClass("faded found");
        graph.elements().difference(near).addClass("faded");
        event.target.addClass("found");
        say(event.target.data("label"));
      });
    })
    .catch(function () {
      say(box.dataset.failed);
    });
})();

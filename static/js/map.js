/* The coverage map (Leaflet): each commune's polygon filled with the colour of
   its class, as the legend and the table of the same page give them. The
   polygons are the map; a tile layer is added only when the site sets one. */
(function () {
  "use strict";
  var box = document.getElementById("coverage-map");
  var status = document.getElementById("coverage-map-status");
  if (!box || !status || !window.L) {
    return;
  }

  function say(text) {
    status.textContent = text;
  }

  function line(label, value) {
    var item = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = value;
    item.appendChild(strong);
    item.appendChild(document.createTextNode(" " + label));
    return item;
  }

  function popup(properties) {
    var content = document.createElement("div");
    var title = document.createElement("h3");
    title.textContent = properties.name;
    content.appendChild(title);
    var figure = document.createElement("p");
    figure.textContent = properties.shown ? properties.shown + " — " + properties.label : properties.label;
    content.appendChild(figure);
    content.appendChild(line(box.dataset.services, String(properties.services)));
    content.appendChild(line(
      box.dataset.people,
      properties.population === null ? box.dataset.noFigure : String(properties.population)
    ));
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = box.dataset.open;
    content.appendChild(link);
    return content;
  }

  fetch(box.dataset.source, {headers: {Accept: "application/json"}, credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (collection) {
      if (collection.features.length === 0) {
        say(box.dataset.empty);
        return;
      }
      box.hidden = false;
      var map = window.L.map(box, {zoomSnap: 0.25, attributionControl: Boolean(box.dataset.tiles)});
      if (box.dataset.tiles) {
        window.L.tileLayer(box.dataset.tiles, {attribution: box.dataset.attribution, maxZoom: 18}).addTo(map);
      }
      var layer = window.L.geoJSON(collection, {
        style: function (feature) {
          return {color: "#444444", weight: 0.7, fillColor: feature.properties.colour, fillOpacity: 0.9};
        },
        onEachFeature: function (feature, shape) {
          var tip = document.createElement("span");
          var properties = feature.properties;
          tip.textContent = properties.name + " — " + (properties.shown || properties.label);
          shape.bindTooltip(tip, {sticky: true});
          shape.bindPopup(popup(properties));
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      say(box.dataset.ready.replace("%s", String(collection.features.length)));
    })
    .catch(function () {
      say(box.dataset.failed);
    });
})();

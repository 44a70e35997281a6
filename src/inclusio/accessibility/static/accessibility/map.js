// The accessibility map: an enhancement of the list and search page, which carries the same
// content. The server answers the visible box: grid cells with counts at low zoom, facilities
// when zoomed in (clustered on the client by leaflet.markercluster).
(function () {
  "use strict";
  var element = document.getElementById("facility-map");
  if (!element || typeof L === "undefined") {
    var unavailable = document.getElementById("map-unavailable");
    if (unavailable) { unavailable.hidden = false; }
    return;
  }
  var map = L.map(element, { keyboard: true }).setView([48.0, 67.0], 5);
  var tiles = L.tileLayer(element.dataset.tiles, {
    attribution: element.dataset.attribution, maxZoom: 18
  }).addTo(map);
  tiles.on("tileerror", function () {
    document.getElementById("map-unavailable").hidden = false;
  });
  var markers = L.markerClusterGroup();
  var cells = L.layerGroup();
  map.addLayer(markers);
  map.addLayer(cells);
  var filters = element.dataset.filters;
  var facilityUrl = element.dataset.facility;

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
      return Math.max(-180, Math.min(180, v)).toFixed(5);
    });
    bbox[1] = Math.max(-90, bbox[1]); bbox[3] = Math.min(90, bbox[3]);
    var url = element.dataset.geojson + "?bbox=" + bbox.join(",") + "&zoom=" + map.getZoom() +
      (filters ? "&" + filters : "");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        markers.clearLayers();
        cells.clearLayers();
        collection.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          var p = feature.properties;
          if (p.cluster) {
            var size = 28 + Math.min(30, Math.round(Math.log(p.count) * 4));
            var icon = L.divIcon({
              className: "inclusio-map-cell", html: String(p.count), iconSize: [size, size]
            });
            var cell = L.marker([c[1], c[0]], {
              icon: icon, title: p.count + " (" + p.adapted + " " + element.dataset.adapted + ")"
            });
            cell.on("click", function () { map.setView([c[1], c[0]], map.getZoom() + 2); });
            cells.addLayer(cell);
          } else {
            var marker = L.marker([c[1], c[0]], { title: p.name });
            marker.bindPopup('<a href="' + facilityUrl.replace("/0/", "/" + p.id + "/") + '">' +
              text(p.name) + "</a>");
            markers.addLayer(marker);
          }
        });
      });
  }
  map.on("moveend", load);
  load();
})();

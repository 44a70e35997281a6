// The emergency alert's map: an enhancement of the form's area fields, which stay the primary
// input. On the form, a click on the map (or the "use the map's centre" button, for the
// keyboard: the arrow keys move the map) sets the circle's centre or adds a polygon corner by
// filling the same fields; typing in the fields redraws the map. On an alert's page the map
// shows the area as drawn. On the dispatcher's lookup answer the map shows the homes found, each
// a point that leads to its entry in the list, which stays the answer.
(function () {
  "use strict";
  function showUnavailable(id) {
    var note = document.getElementById(id);
    if (note) { note.hidden = false; }
  }

  function baseMap(element, unavailableId) {
    var map = L.map(element, { keyboard: true }).setView([48.0, 67.0], 5);
    L.tileLayer(element.dataset.tiles, {
      attribution: element.dataset.attribution, maxZoom: 18
    }).addTo(map).on("tileerror", function () { showUnavailable(unavailableId); });
    return map;
  }

  function cornersOf(text) {
    return text.split("\n").map(function (line) {
      return line.split(",").map(function (part) { return parseFloat(part); });
    }).filter(function (p) { return p.length === 2 && isFinite(p[0]) && isFinite(p[1]); });
  }

  function draw(layer, area, lat, lon, radius, corners) {
    layer.clearLayers();
    if (area === "circle" && isFinite(lat) && isFinite(lon)) {
      L.circle([lat, lon], { radius: isFinite(radius) && radius > 0 ? radius : 1 }).addTo(layer);
    } else if (area === "polygon" && corners.length) {
      (corners.length >= 3 ? L.polygon(corners) : L.polyline(corners)).addTo(layer);
      corners.forEach(function (c) { L.circleMarker(c, { radius: 4 }).addTo(layer); });
    }
  }

  function alertForm(element) {
    if (typeof L === "undefined") { showUnavailable("alert-map-unavailable"); return; }
    var field = function (id) { return document.getElementById(id); };
    var lat = field("id_latitude"), lon = field("id_longitude");
    var radius = field("id_radius_m"), points = field("id_points");
    var status = field("alert-map-status");
    var map = baseMap(element, "alert-map-unavailable");
    var drawn = L.layerGroup().addTo(map);
    field("alert-map-controls").hidden = false;

    function area() {
      var checked = document.querySelector("input[name=area]:checked");
      return checked ? checked.value : "circle";
    }
    function choose(value) {
      var radio = document.querySelector("input[name=area][value=" + value + "]");
      if (radio) { radio.checked = true; }
    }
    function redraw() {
      draw(drawn, area(), parseFloat(lat.value), parseFloat(lon.value),
        parseFloat(radius.value), cornersOf(points.value));
    }
    function place(latlng) {
      var a = latlng.lat.toFixed(5), b = latlng.lng.toFixed(5);
      if (area() === "polygon") {
        var text = points.value.trim();
        points.value = (text ? text + "\n" : "") + a + ", " + b;
        status.textContent = element.dataset.cornerAdded
          .replace("%(count)s", String(cornersOf(points.value).length)) + " " + a + ", " + b;
      } else {
        choose("circle");
        lat.value = a;
        lon.value = b;
        if (!radius.value) { radius.value = "500"; }
        status.textContent = element.dataset.centreSet + " " + a + ", " + b;
      }
      redraw();
    }
    map.on("click", function (event) { place(event.latlng); });
    field("alert-map-use-centre").addEventListener("click", function () {
      place(map.getCenter());
    });
    field("alert-map-undo").addEventListener("click", function () {
      var lines = points.value.trim().split("\n");
      lines.pop();
      points.value = lines.join("\n");
      status.textContent = element.dataset.cornerRemoved;
      redraw();
    });
    [lat, lon, radius, points].forEach(function (input) {
      input.addEventListener("input", redraw);
    });
    document.querySelectorAll("input[name=area]").forEach(function (radio) {
      radio.addEventListener("change", redraw);
    });
    redraw();
    if (drawn.getLayers().length) {
      map.fitBounds(L.featureGroup(drawn.getLayers()).getBounds(), { maxZoom: 15 });
    }
  }

  function alertArea(element) {
    if (typeof L === "undefined") { showUnavailable("alert-area-unavailable"); return; }
    var map = baseMap(element, "alert-area-unavailable");
    var drawn = L.layerGroup().addTo(map);
    var g = JSON.parse(element.dataset.geometry);
    draw(drawn, element.dataset.area, g.latitude, g.longitude, g.radius_m, g.points || []);
    if (drawn.getLayers().length) {
      map.fitBounds(L.featureGroup(drawn.getLayers()).getBounds(), { maxZoom: 15 });
    }
  }

  function lookupHomes(element) {
    if (typeof L === "undefined") { showUnavailable("lookup-map-unavailable"); return; }
    var map = baseMap(element, "lookup-map-unavailable");
    var homes = L.featureGroup().addTo(map);
    document.querySelectorAll(".emergency-home[data-latitude]").forEach(function (section) {
      var lat = parseFloat(section.dataset.latitude), lon = parseFloat(section.dataset.longitude);
      var heading = section.querySelector("h2");
      if (!isFinite(lat) || !isFinite(lon) || !heading) { return; }
      L.circleMarker([lat, lon], { radius: 8 }).addTo(homes)
        .bindTooltip(heading.textContent)
        .on("click", function () {
          heading.tabIndex = -1;
          heading.focus();
        });
    });
    if (homes.getLayers().length) {
      map.fitBounds(homes.getBounds(), { maxZoom: 17, padding: [24, 24] });
    }
  }

  var form = document.getElementById("alert-map");
  if (form) { alertForm(form); }
  var shown = document.getElementById("alert-area-map");
  if (shown) { alertArea(shown); }
  var homes = document.getElementById("lookup-map");
  if (homes) { lookupHomes(homes); }
})();

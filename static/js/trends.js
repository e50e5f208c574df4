/* Trends charts. The numbers come from the page's json_script ("trends-data"), the same
   numbers as the tables under each chart. Chart.js (vendored) draws the lines; the small
   plugin below draws what it has no option for: off-day bands, treatment-change lines with
   their numbers above the chart, and blood-pressure lines across. Nothing is written inside
   the plot: the keys are HTML lists under the charts (static/css/trends.css), so no label
   ever covers a point. No inline script: the page runs under a CSP. */
(function () {
  "use strict";

  var source = document.getElementById("trends-data");
  if (!source || !window.Chart) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var DAY_MS = 86400000;
  var GRADES = ["none", "mild", "moderate", "severe", "very severe"];
  // The order of trends.css's .trend-shape-N; "triangle" turned over is the sixth shape.
  var SHAPES = [
    { pointStyle: "circle", pointRotation: 0 },
    { pointStyle: "triangle", pointRotation: 0 },
    { pointStyle: "rect", pointRotation: 0 },
    { pointStyle: "rectRot", pointRotation: 0 },
    { pointStyle: "triangle", pointRotation: 180 },
    { pointStyle: "crossRot", pointRotation: 0 },
  ];
  var compact = window.matchMedia("(max-width: 575.98px)").matches;

  // Colours come from the stylesheet, so the light and dark pages each get theirs; read
  // again (and the charts drawn again) when the phone switches between the two.
  var style, TEXT, GRID, REFERENCE;
  function cssColour(name, fallback) {
    return style.getPropertyValue(name).trim() || fallback;
  }
  function lineColour(index) {
    return cssColour("--trend-colour-" + index, TEXT);
  }
  function readColours() {
    style = window.getComputedStyle(document.querySelector("main") || document.body);
    TEXT = style.color;
    GRID = cssColour("--bs-border-color", "rgba(0, 0, 0, 0.15)");
    REFERENCE = {
      high: { colour: cssColour("--trend-high", "#9a5b00"), dash: [2, 3], width: 2.5 },
      alert: { colour: cssColour("--trend-alert", "#b02a37"), dash: [8, 4], width: 2 },
      crisis: { colour: cssColour("--trend-alert", "#b02a37"), dash: [], width: 2 },
    };
    window.Chart.defaults.color = TEXT;
    window.Chart.defaults.borderColor = GRID;
  }

  // Readable on a phone: full-contrast text at 14 px (the review measured 10 px grey).
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  // ISO dates ("2025-03-01") parse as UTC midnight, so whole days never drift with time zones.
  // Points arrive as arrays with their day already counted this way (``Trends.chart_data``).
  function dayNumber(iso) {
    return Date.parse(iso) / DAY_MS;
  }
  function utcDate(value) {
    return new Date(Math.round(value) * DAY_MS);
  }
  function fullDate(value) {
    return utcDate(value).toLocaleDateString(undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    });
  }
  function dayLabel(value) {
    return utcDate(value).toLocaleDateString(undefined, {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
  }
  // "Mar", with the year on the first tick and on each January.
  function monthLabel(value, index) {
    var date = utcDate(value);
    var withYear = index === 0 || date.getUTCMonth() === 0;
    return date.toLocaleDateString(undefined, {
      month: "short",
      year: withYear ? "numeric" : undefined,
      timeZone: "UTC",
    });
  }

  // Change numbers sit in a strip above the plot, on one of two rows so that two changes
  // close together do not print over each other.
  var NUMBER_ROW = 18;
  var annotations = {
    id: "journalAnnotations",
    beforeDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea;
      var x = chart.scales.x;
      var y = chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = cssColour("--trend-band", "rgba(108, 117, 125, 0.18)");
      (options.bands || []).forEach(function (band) {
        var left = Math.max(x.getPixelForValue(band.from), area.left);
        var right = Math.min(x.getPixelForValue(band.to), area.right);
        if (right > left) {
          ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        }
      });
      // Lines go under the data, so a point on a line stays whole.
      (options.lines || []).forEach(function (line) {
        var top = y.getPixelForValue(line.value);
        if (top < area.top || top > area.bottom) {
          return;
        }
        var look = REFERENCE[line.kind] || REFERENCE.alert;
        ctx.strokeStyle = look.colour;
        ctx.lineWidth = look.width;
        ctx.setLineDash(look.dash);
        ctx.beginPath();
        ctx.moveTo(area.left, top);
        ctx.lineTo(area.right, top);
        ctx.stroke();
      });
      ctx.strokeStyle = TEXT;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      visibleMarkers(chart, options).forEach(function (marker) {
        ctx.beginPath();
        ctx.moveTo(marker.left, area.top);
        ctx.lineTo(marker.left, area.bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
    afterDraw: function (chart, args, options) {
      var ctx = chart.ctx;
      var ends = [-Infinity, -Infinity];
      ctx.save();
      ctx.font = "bold 14px " + window.Chart.defaults.font.family;
      ctx.fillStyle = TEXT;
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      visibleMarkers(chart, options).forEach(function (marker) {
        var text = String(marker.number);
        var half = ctx.measureText(text).width / 2 + 3;
        var row = marker.left - half > ends[0] ? 0 : 1;
        ends[row] = marker.left + half;
        ctx.fillText(text, marker.left, chart.chartArea.top - 3 - row * NUMBER_ROW);
      });
      ctx.restore();
    },
  };

  function visibleMarkers(chart, options) {
    var area = chart.chartArea;
    return (options.markers || [])
      .map(function (marker) {
        return { left: chart.scales.x.getPixelForValue(marker.at), number: marker.number };
      })
      .filter(function (marker) {
        return marker.left >= area.left && marker.left <= area.right;
      });
  }

  // A little room at each end, so that a point on the first or last day is drawn whole.
  var span = dayNumber(data.end) - dayNumber(data.start) + 1;
  var edge = Math.max(0.5, span * 0.025);
  var timeline = {
    min: dayNumber(data.start) - edge,
    max: dayNumber(data.end) + edge,
    bands: data.offPeriods.map(function (period) {
      return { from: dayNumber(period.from) - 0.5, to: dayNumber(period.to) + 0.5 };
    }),
    // A change takes effect at the start of its day: the line sits between two days.
    markers: data.changes.map(function (change) {
      return { at: dayNumber(change.on) - 0.5, label: change.label, number: change.number };
    }),
  };
  var markersShown = timeline.markers.some(function (marker) {
    return marker.at >= timeline.min && marker.at <= timeline.max;
  });
  // Points further apart than one bucket are not joined: a day (or week) not logged, or a
  // question not answered, is a gap in the line, never a fall to "none".
  var GAP = { day: 1, week: 7, month: 31 }[data.bucket] + 0.5;
  var pointRadius = data.bucket === "day" ? 4 : 5;

  function dataset(label, points, look, extra) {
    var colour = lineColour(look.colour);
    var shape = SHAPES[look.shape % SHAPES.length];
    return Object.assign(
      {
        label: label,
        data: points,
        borderColor: colour,
        backgroundColor: colour,
        pointStyle: shape.pointStyle,
        pointRotation: shape.pointRotation,
        pointRadius: pointRadius,
        pointHoverRadius: pointRadius + 2,
        pointBorderWidth: shape.pointStyle === "crossRot" ? 2.5 : 1,
        borderWidth: 2,
        borderDash: look.dashed ? [6, 4] : [],
        spanGaps: GAP,
        tension: 0,
      },
      extra || {}
    );
  }

  // ``numbered``: the chart has change numbers to show above its plot.
  function draw(id, datasets, options, numbered) {
    var canvas = document.getElementById("chart-" + id);
    if (!canvas) {
      return;
    }
    var drawn = window.Chart.getChart(canvas);
    if (drawn) {
      drawn.destroy();
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: Object.assign(
        {
          animation: false,
          responsive: true,
          aspectRatio: compact ? 1.25 : 2.6,
          interaction: { mode: "nearest", axis: "x", intersect: false },
          layout: { padding: { top: numbered ? 2 * NUMBER_ROW + 4 : 8, right: 8 } },
        },
        options
      ),
      plugins: [annotations],
    });
  }

  // Ticks on whole days: every week for short ranges, the first of each month for long ones
  // (Chart.js's own ticks would fall on arbitrary fractions of a day).
  var byMonth = timeline.max - timeline.min > 62;
  function timeTicks() {
    var ticks = [];
    var first = Math.ceil(timeline.min);
    var last = Math.floor(timeline.max);
    for (var day = first; day <= last; day += 1) {
      var date = utcDate(day);
      if (byMonth ? date.getUTCDate() === 1 : (last - day) % 7 === 0) {
        ticks.push({ value: day });
      }
    }
    return ticks;
  }

  function timeAxis() {
    return {
      type: "linear",
      min: timeline.min,
      max: timeline.max,
      grid: { display: false },
      afterBuildTicks: function (axis) {
        axis.ticks = timeTicks();
      },
      ticks: {
        callback: byMonth ? monthLabel : dayLabel,
        autoSkip: true,
        autoSkipPadding: 12,
        maxRotation: 0,
      },
    };
  }

  function tooltipTitle(items) {
    var prefix = { week: "Week of ", month: "Month of " }[data.bucket] || "";
    return items.length ? prefix + fullDate(items[0].parsed.x) : "";
  }

  function timeTooltip(unit) {
    return {
      callbacks: {
        title: tooltipTitle,
        label: function (item) {
          return item.dataset.label + ": " + item.formattedValue + (unit || "");
        },
      },
    };
  }

  // The grade axis: words, from none at the bottom to very severe at the top; a little room
  // above and below so a marker on 0 or 4 is drawn whole.
  function gradeAxis(title) {
    return {
      min: -0.3,
      max: 4.3,
      title: title ? { display: true, text: title } : { display: false },
      afterBuildTicks: function (axis) {
        axis.ticks = [0, 1, 2, 3, 4].map(function (value) {
          return { value: value };
        });
      },
      ticks: {
        callback: function (value) {
          var word = GRADES[value] || "";
          return compact && word.indexOf(" ") > 0 ? word.split(" ") : word;
        },
      },
    };
  }

  var timePlugins = {
    legend: { display: false },
    journalAnnotations: { bands: timeline.bands, markers: timeline.markers },
  };

  function drawAll() {
    data.symptoms.forEach(function (series) {
      var points = series.points.map(function (point) {
        return { x: point[0], y: point[1] };
      });
      draw(series.id, [dataset(series.name, points, series)], {
        scales: { x: timeAxis(), y: gradeAxis() },
        plugins: Object.assign({}, timePlugins, {
          tooltip: {
            callbacks: {
              title: tooltipTitle,
              label: function (item) {
                var word = GRADES[item.parsed.y];
                return data.bucket === "day" ? word : "worst day: " + word;
              },
            },
          },
        }),
      }, markersShown);
    });

    var bp = data.bloodPressure;
    if (bp.points.length) {
      draw(
        bp.id,
        [
          dataset(
            "Upper number",
            bp.points.map(function (p) {
              return { x: p[0], y: p[1] };
            }),
            bp.upper
          ),
          dataset(
            "Lower number",
            bp.points.map(function (p) {
              return { x: p[0], y: p[2] };
            }),
            bp.lower
          ),
        ],
        {
          scales: { x: timeAxis(), y: { suggestedMin: 60, suggestedMax: 190 } },
          plugins: Object.assign({}, timePlugins, {
            tooltip: timeTooltip(),
            journalAnnotations: {
              bands: timeline.bands,
              markers: timeline.markers,
              lines: bp.references,
            },
          }),
        },
        markersShown
      );
    }

    var weight = data.weight;
    if (weight.points.length) {
      draw(
        weight.id,
        [
          dataset(
            "Weight",
            weight.points.map(function (p) {
              return { x: p[0], y: p[1] };
            }),
            weight
          ),
        ],
        {
          scales: { x: timeAxis(), y: { title: { display: true, text: "kg" } } },
          plugins: Object.assign({}, timePlugins, { tooltip: timeTooltip(" kg") }),
        },
        markersShown
      );
    }

    data.cycles.forEach(function (cycle) {
      draw(
        cycle.id,
        cycle.series.map(function (series) {
          return dataset(
            series.name,
            series.points.map(function (p) {
              return { x: p[0], y: p[1] };
            }),
            series,
            { spanGaps: 1.5, pointRadius: 3, pointHoverRadius: 5 }
          );
        }),
        {
          scales: {
            x: {
              type: "linear",
              min: 0.5,
              max: cycle.length + 0.5,
              grid: { display: false },
              title: { display: true, text: "Day of the cycle" },
              afterBuildTicks: function (axis) {
                axis.ticks = [];
                for (var day = 1; day <= cycle.length; day += 1) {
                  axis.ticks.push({ value: day });
                }
              },
              ticks: { autoSkip: true, autoSkipPadding: 12, maxRotation: 0 },
            },
            y: gradeAxis(),
          },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                title: function (items) {
                  return items.length ? "Day " + items[0].parsed.x + " of " + cycle.length : "";
                },
                label: function (item) {
                  return item.dataset.label + ": average " + item.formattedValue;
                },
              },
            },
            journalAnnotations: {
              bands: [{ from: cycle.daysOn + 0.5, to: cycle.length + 0.5 }],
            },
          },
        }
      );
    });
  }

  readColours();
  drawAll();
  new window.MutationObserver(function () {
    readColours();
    drawAll();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });
})();

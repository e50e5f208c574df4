/* Trends charts. The numbers come from the page's json_script ("trends-data"), the same
   numbers as the tables under each chart. Chart.js (vendored) draws the lines; the small
   plugin below draws what it has no option for: treatment-change markers, off-day bands and
   blood-pressure reference lines. No inline script or style: the page runs under a CSP. */
(function () {
  "use strict";

  var source = document.getElementById("trends-data");
  if (!source || !window.Chart) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var DAY_MS = 86400000;
  var GRADES = ["0 none", "1 mild", "2 moderate", "3 severe", "4 very severe"];
  var COLOURS = ["#0b5ed7", "#b02a37", "#146c43", "#9a5b00", "#6f42c1", "#0a7a8a"];
  var POINT_STYLES = ["circle", "triangle", "rect", "rectRot", "star", "crossRot"];
  var compact = window.matchMedia("(max-width: 575.98px)").matches;

  // ISO dates ("2025-03-01") parse as UTC midnight, so whole days never drift with time zones.
  function dayNumber(iso) {
    return Date.parse(iso) / DAY_MS;
  }
  function dateLabel(value) {
    return new Date(Math.round(value) * DAY_MS).toLocaleDateString(undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    });
  }
  function monthLabel(value) {
    return new Date(Math.round(value) * DAY_MS).toLocaleDateString(undefined, {
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    });
  }

  var annotations = {
    id: "journalAnnotations",
    beforeDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea;
      var x = chart.scales.x;
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = "rgba(108, 117, 125, 0.18)";
      (options.bands || []).forEach(function (band) {
        var left = Math.max(x.getPixelForValue(band.from), area.left);
        var right = Math.min(x.getPixelForValue(band.to), area.right);
        if (right > left) {
          ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        }
      });
      ctx.restore();
    },
    afterDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea;
      var x = chart.scales.x;
      var y = chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.lineWidth = 1.5;
      (options.lines || []).forEach(function (line) {
        var top = y.getPixelForValue(line.value);
        if (top < area.top || top > area.bottom) {
          return;
        }
        ctx.strokeStyle = line.colour;
        ctx.fillStyle = line.colour;
        ctx.setLineDash([2, 3]);
        ctx.beginPath();
        ctx.moveTo(area.left, top);
        ctx.lineTo(area.right, top);
        ctx.stroke();
        ctx.textAlign = "right";
        ctx.fillText(line.label, area.right - 4, top - 4);
      });
      ctx.strokeStyle = "#212529";
      ctx.fillStyle = "#212529";
      (options.markers || []).forEach(function (marker, index) {
        var left = x.getPixelForValue(marker.at);
        if (left < area.left || left > area.right) {
          return;
        }
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(left, area.top);
        ctx.lineTo(left, area.bottom);
        ctx.stroke();
        // Labels step down so that two changes close together stay readable.
        ctx.textAlign = left > (area.left + area.right) / 2 ? "right" : "left";
        var offset = ctx.textAlign === "right" ? -4 : 4;
        ctx.fillText(marker.label, left + offset, area.top + 12 + (index % 3) * 14);
      });
      ctx.restore();
    },
  };

  var timeline = {
    min: dayNumber(data.start) - 0.5,
    max: dayNumber(data.end) + 0.5,
    bands: data.offPeriods.map(function (period) {
      return { from: dayNumber(period.from) - 0.5, to: dayNumber(period.to) + 0.5 };
    }),
    // A change takes effect at the start of its day: the line sits between two days.
    markers: data.changes.map(function (change) {
      return { at: dayNumber(change.on) - 0.5, label: change.label };
    }),
  };

  function dataset(label, points, index, extra) {
    return Object.assign(
      {
        label: label,
        data: points,
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        pointStyle: POINT_STYLES[index % POINT_STYLES.length],
        pointRadius: data.bucket === "day" ? 3 : 2,
        borderWidth: 2,
        tension: 0,
      },
      extra || {}
    );
  }

  function draw(id, datasets, options) {
    var canvas = document.getElementById("chart-" + id);
    if (!canvas) {
      return;
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: Object.assign(
        {
          animation: false,
          responsive: true,
          aspectRatio: compact ? 1.2 : 2.6,
          interaction: { mode: "nearest", intersect: false },
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
      var date = new Date(day * DAY_MS);
      if (byMonth ? date.getUTCDate() === 1 : (day - first) % 7 === 0) {
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
      afterBuildTicks: function (axis) {
        axis.ticks = timeTicks();
      },
      ticks: {
        callback: byMonth ? monthLabel : dateLabel,
        autoSkip: true,
        maxRotation: 0,
      },
    };
  }

  function timeTooltip(unit) {
    return {
      callbacks: {
        title: function (items) {
          var prefix = { week: "Week of ", month: "Month of " }[data.bucket] || "";
          return items.length ? prefix + dateLabel(items[0].parsed.x) : "";
        },
        label: function (item) {
          return item.dataset.label + ": " + item.formattedValue + (unit || "");
        },
      },
    };
  }

  data.symptoms.forEach(function (series, index) {
    var points = series.points.map(function (point) {
      return { x: dayNumber(point.on), y: point.grade };
    });
    draw(series.id, [dataset(series.name, points, index)], {
      scales: {
        x: timeAxis(),
        y: {
          min: 0,
          max: 4,
          ticks: {
            stepSize: 1,
            callback: function (value) {
              return GRADES[value] || "";
            },
          },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: timeTooltip().callbacks.title,
            label: function (item) {
              return series.name + ": grade " + GRADES[item.parsed.y];
            },
          },
        },
        journalAnnotations: { bands: timeline.bands, markers: timeline.markers },
      },
    });
  });

  var bp = data.bloodPressure;
  if (bp.points.length) {
    draw(
      bp.id,
      [
        dataset(
          "Upper (systolic)",
          bp.points.map(function (p) {
            return { x: dayNumber(p.on), y: p.systolic };
          }),
          0
        ),
        dataset(
          "Lower (diastolic)",
          bp.points.map(function (p) {
            return { x: dayNumber(p.on), y: p.diastolic };
          }),
          1,
          { borderDash: [5, 4] }
        ),
      ],
      {
        scales: { x: timeAxis(), y: { suggestedMin: 60, suggestedMax: 190 } },
        plugins: {
          tooltip: timeTooltip(),
          journalAnnotations: {
            bands: timeline.bands,
            markers: timeline.markers,
            lines: bp.references.map(function (line) {
              return {
                value: line.value,
                label: line.label,
                colour: line.kind === "high" ? "#9a5b00" : "#b02a37",
              };
            }),
          },
        },
      }
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
            return { x: dayNumber(p.on), y: p.kg };
          }),
          2
        ),
      ],
      {
        scales: { x: timeAxis() },
        plugins: {
          legend: { display: false },
          tooltip: timeTooltip(" kg"),
          journalAnnotations: { bands: timeline.bands, markers: timeline.markers },
        },
      }
    );
  }

  data.cycles.forEach(function (cycle) {
    draw(
      cycle.id,
      cycle.series.map(function (series, index) {
        return dataset(
          series.name,
          series.points.map(function (p) {
            return { x: p.day, y: p.average };
          }),
          index
        );
      }),
      {
        scales: {
          x: {
            type: "linear",
            min: 0.5,
            max: cycle.length + 0.5,
            afterBuildTicks: function (axis) {
              axis.ticks = [];
              for (var day = 1; day <= cycle.length; day += 1) {
                axis.ticks.push({ value: day });
              }
            },
            ticks: {
              autoSkip: true,
              maxRotation: 0,
              callback: function (value) {
                return "day " + value;
              },
            },
          },
          y: { min: 0, max: 4, ticks: { stepSize: 1 } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? "Day " + items[0].parsed.x + " of " + cycle.length : "";
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
})();

import Foundation

/// A minimal SVG plot: a rectangle of data coordinates mapped onto a canvas, with axes.
/// Coordinates are printed with fixed precision, so the same figure always gives the same bytes.
///
/// Layout rules, which `FigureGeometryTests` checks on the SVG itself:
/// * a linear axis runs over round bounds with ticks at a 1-2-5 step (``AxisScale``); a logarithmic
///   y axis over whole decades;
/// * every text stays inside the canvas (``SVGText``): titles shrink to fit, point labels flip to the
///   other side of their point, tick labels shift inward;
/// * the legend is drawn last, in the first corner of the plot area (top right, top left, bottom
///   right, bottom left) where it covers no data mark; when every corner is taken, the canvas grows to
///   the right and the legend stands outside the plot area.
struct SVGPlot {
  /// The canvas size before a legend is placed outside the plot area.
  static let baseWidth = 640.0, height = 360.0
  /// The widest a legend entry's text may be; a longer one shrinks, then is cut.
  static let legendTextWidth = 280.0
  /// Space between the plot area and the canvas edge; `left` grows with the widest y tick label.
  let margin: (left: Double, right: Double, top: Double, bottom: Double)
  /// The x axis.
  let xAxis: AxisScale
  /// The y range, in log₁₀ units when `logY`.
  let y: ClosedRange<Double>
  /// The linear y axis (nil when `logY`).
  let yAxis: AxisScale?
  /// Whether y is on a logarithmic axis.
  let logY: Bool
  private var elements: [String] = []
  /// Canvas positions of every data mark, which the legend must not cover.
  private var marks: [(Double, Double)] = []
  private var legendEntries: [(text: String, color: String, dash: String?)] = []

  /// The x range of the axis.
  var x: ClosedRange<Double> { xAxis.range }

  /// A plot over the data rectangle `x` × `y`: each linear axis extended to round bounds (a single
  /// value widened first). With `logY` (y > 0), the y axis is logarithmic, widened to whole decades,
  /// with a tick at each (at most six labelled).
  init(x: ClosedRange<Double>, y: ClosedRange<Double>, title: String, xLabel: String, yLabel: String, logY: Bool = false) {
    xAxis = AxisScale(covering: x)
    self.logY = logY
    let yTicks: [(value: Double, label: String)]
    if logY {
      precondition(y.lowerBound > 0, "A logarithmic axis needs y > 0, got \(y).")
      let low = log10(y.lowerBound).rounded(.down), high = log10(y.upperBound).rounded(.up)
      self.y = low...max(high, low + 1)
      yAxis = nil
      let decades = Int(self.y.upperBound - self.y.lowerBound), every = max(1, (decades + 5) / 6)
      yTicks = stride(from: Int(self.y.lowerBound), through: Int(self.y.upperBound), by: every).map {
        (pow(10, Double($0)), AxisScale.decadeLabel($0))
      }
    } else {
      let axis = AxisScale(covering: y)
      yAxis = axis
      self.y = axis.range
      yTicks = axis.ticks.map { ($0, axis.label($0)) }
    }
    let widestTick = yTicks.map { SVGText.width($0.label, size: 11) }.max() ?? 0
    margin = (left: max(60, widestTick + 34), right: 20, top: 40, bottom: 50)

    elements.append(SVGText.fitted(title, centre: SVGPlot.baseWidth / 2, y: 22, size: 15, within: SVGPlot.baseWidth))
    elements.append(SVGText.fitted(xLabel, centre: SVGPlot.baseWidth / 2, y: SVGPlot.height - 12, size: 13, within: SVGPlot.baseWidth))
    let yFit = SVGText.fitting(yLabel, size: 13, within: SVGPlot.height)
    elements.append("<text x=\"16\" y=\"\(f(SVGPlot.height / 2))\" font-size=\"\(yFit.size)\" text-anchor=\"middle\" fill=\"#222\" transform=\"rotate(-90 16 \(f(SVGPlot.height / 2)))\">\(SVGText.escaped(yFit.text))</text>")
    let (left, right, top, bottom) = plotArea
    elements.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"#444\"/>")
    for tick in xAxis.ticks {
      elements.append(SVGText.clamped(xAxis.label(tick), x: px(tick), y: bottom + 18, size: 11, anchor: .middle, canvasWidth: SVGPlot.baseWidth))
    }
    for tick in yTicks {
      elements.append(SVGText.clamped(tick.label, x: left - 6, y: py(tick.value) + 4, size: 11, anchor: .end, canvasWidth: SVGPlot.baseWidth))
    }
  }

  /// The plot area in canvas coordinates.
  private var plotArea: (left: Double, right: Double, top: Double, bottom: Double) {
    (margin.left, SVGPlot.baseWidth - margin.right, margin.top, SVGPlot.height - margin.bottom)
  }

  /// Canvas x of data x.
  func px(_ v: Double) -> Double {
    margin.left + (v - x.lowerBound) / (x.upperBound - x.lowerBound) * (SVGPlot.baseWidth - margin.left - margin.right)
  }

  /// Canvas y of data y (upwards).
  func py(_ v: Double) -> Double {
    let u = logY ? log10(v) : v
    return SVGPlot.height - margin.bottom - (u - y.lowerBound) / (y.upperBound - y.lowerBound) * (SVGPlot.height - margin.top - margin.bottom)
  }

  /// Whether a data point can be drawn (finite, and positive on a logarithmic axis).
  private func drawable(_ point: (Double, Double)) -> Bool {
    point.0.isFinite && point.1.isFinite && (!logY || point.1 > 0)
  }

  /// A shaded vertical band between data x `low` and `high`, with `label` as its tooltip.
  mutating func band(x low: Double, _ high: Double, fill: String, label: String) {
    guard low.isFinite, high.isFinite else { return }
    elements.append("<rect x=\"\(f(px(low)))\" y=\"\(f(margin.top))\" width=\"\(f(max(px(high) - px(low), 1)))\" height=\"\(f(plotArea.bottom - margin.top))\" fill=\"\(fill)\" fill-opacity=\"0.35\"><title>\(SVGText.escaped(label))</title></rect>")
  }

  /// A vertical line at data x `v` with `label` beside its top (on the side that fits the canvas).
  mutating func verticalLine(at v: Double, color: String, label: String) {
    guard v.isFinite else { return }
    elements.append("<line x1=\"\(f(px(v)))\" y1=\"\(f(margin.top))\" x2=\"\(f(px(v)))\" y2=\"\(f(plotArea.bottom))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
    elements.append(SVGText.beside(label, x: px(v), gap: 4, y: margin.top + 14, size: 12, color: color, canvasWidth: SVGPlot.baseWidth))
    marks.append((px(v), margin.top + 10))
  }

  /// A dot at a data point (skipped when not drawable).
  mutating func dot(_ vx: Double, _ vy: Double, color: String, radius: Double = 3) {
    guard drawable((vx, vy)) else { return }
    elements.append("<circle cx=\"\(f(px(vx)))\" cy=\"\(f(py(vy)))\" r=\"\(f(radius))\" fill=\"\(color)\" fill-opacity=\"0.7\"/>")
    marks.append((px(vx), py(vy)))
  }

  /// A filled polygon through data points.
  mutating func polygon(_ points: [(Double, Double)], fill: String) {
    let canvas = points.filter(drawable).map { (px($0.0), py($0.1)) }
    let list = canvas.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
    elements.append("<polygon points=\"\(list)\" fill=\"\(fill)\" fill-opacity=\"0.3\" stroke=\"\(fill)\"/>")
    recordPath(canvas + canvas.prefix(1))
  }

  /// A line through `points` (data coordinates; non-drawable points are skipped), dashed by `dash`
  /// (an SVG `stroke-dasharray`) when given, with a legend entry unless `legend` is nil.
  mutating func polyline(_ points: [(Double, Double)], color: String, dash: String? = nil, legend: String?) {
    let canvas = points.filter(drawable).map { (px($0.0), py($0.1)) }
    let list = canvas.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    elements.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dashing)/>")
    recordPath(canvas)
    if let legend { self.legend(legend, color: color, dash: dash) }
  }

  /// A legend entry (a short line and `string`), in the order added.
  mutating func legend(_ string: String, color: String, dash: String? = nil) {
    legendEntries.append((string, color, dash))
  }

  /// A text label next to a data point (on the side that fits the canvas).
  mutating func label(_ vx: Double, _ vy: Double, _ string: String, color: String) {
    guard drawable((vx, vy)) else { return }
    let y = min(max(py(vy) - 6, 14), SVGPlot.height - 4)
    elements.append(SVGText.beside(string, x: px(vx), gap: 6, y: y, size: 12, color: color, canvasWidth: SVGPlot.baseWidth))
    marks.append((px(vx), py(vy)))
  }

  /// Marks along a path in canvas coordinates, every few pixels, so a legend box cannot sit on a line.
  private mutating func recordPath(_ canvas: [(Double, Double)]) {
    marks.append(contentsOf: canvas)
    for (a, b) in zip(canvas, canvas.dropFirst()) {
      // A point far outside the axes (a hostile record) makes a huge length: cap it before Int.
      let length = hypot(b.0 - a.0, b.1 - a.1), pieces = length.isFinite ? Int(min(length / 4, 400)) : 0
      guard pieces > 1 else { continue }
      for s in 1..<pieces {
        let t = Double(s) / Double(pieces)
        marks.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
      }
    }
  }

  /// The SVG document, with the legend placed.
  var document: String {
    let (legend, canvasWidth) = placedLegend()
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(canvasWidth))\" height=\"\(f(SVGPlot.height))\" viewBox=\"0 0 \(f(canvasWidth)) \(f(SVGPlot.height))\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      + (elements + legend).joined(separator: "\n") + "\n</svg>\n"
  }

  /// The legend's elements and the canvas width it needs.
  private func placedLegend() -> (elements: [String], canvasWidth: Double) {
    guard !legendEntries.isEmpty else { return ([], SVGPlot.baseWidth) }
    let rowHeight = 16.0, inset = 6.0
    let texts = legendEntries.map { SVGText.fitting($0.text, size: 12, within: SVGPlot.legendTextWidth) }
    let boxWidth = 34 + (texts.map { SVGText.width($0.text, size: $0.size) }.max() ?? 0)
    let boxHeight = rowHeight * Double(legendEntries.count) + 6
    let (left, right, top, bottom) = plotArea
    let corners = [(right - inset - boxWidth, top + inset), (left + inset, top + inset),
                   (right - inset - boxWidth, bottom - inset - boxHeight), (left + inset, bottom - inset - boxHeight)]
    func free(_ corner: (Double, Double)) -> Bool {
      corner.0 >= left && corner.1 >= top && corner.0 + boxWidth <= right && corner.1 + boxHeight <= bottom
        && !marks.contains { $0.0 >= corner.0 - 2 && $0.0 <= corner.0 + boxWidth + 2 && $0.1 >= corner.1 - 2 && $0.1 <= corner.1 + boxHeight + 2 }
    }
    let inside = corners.first(where: free)
    let origin = inside ?? (SVGPlot.baseWidth + 4, top)
    let canvasWidth = inside == nil ? SVGPlot.baseWidth + boxWidth + 14 : SVGPlot.baseWidth
    var out = ["<rect x=\"\(f(origin.0))\" y=\"\(f(origin.1))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>"]
    for (row, entry) in legendEntries.enumerated() {
      let y = origin.1 + 16 + rowHeight * Double(row), x = origin.0 + 6
      let dashing = entry.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
      out.append("<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 18))\" y2=\"\(f(y - 4))\" stroke=\"\(entry.color)\" stroke-width=\"2\"\(dashing)/>")
      out.append(SVGText.element(texts[row].text, x: x + 24, y: y, size: texts[row].size, anchor: .start, color: entry.color))
    }
    return (out, canvasWidth)
  }

  private func f(_ v: Double) -> String { SVGText.coordinate(v) }
}

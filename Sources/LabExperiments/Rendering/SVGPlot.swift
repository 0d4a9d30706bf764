import Foundation

/// A minimal SVG plot: a rectangle of data coordinates mapped onto a fixed canvas, with axes.
/// Coordinates are printed with fixed precision, so the same figure always gives the same bytes.
struct SVGPlot {
  let width = 640.0, height = 360.0
  let margin = (left: 60.0, right: 20.0, top: 40.0, bottom: 50.0)
  let x: ClosedRange<Double>
  /// The y range, in log₁₀ units when `logY`.
  let y: ClosedRange<Double>
  /// Whether y is on a logarithmic axis.
  let logY: Bool
  private var elements: [String] = []

  /// A plot over the data rectangle `x` × `y` (each range widened if it is a single value). With
  /// `logY` (y > 0), the y axis is logarithmic, widened to whole decades, with a tick at each.
  init(x: ClosedRange<Double>, y: ClosedRange<Double>, title: String, xLabel: String, yLabel: String, logY: Bool = false) {
    func widened(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
      r.lowerBound < r.upperBound ? r : (r.lowerBound - 0.5)...(r.upperBound + 0.5)
    }
    self.x = widened(x)
    self.logY = logY
    if logY {
      precondition(y.lowerBound > 0, "A logarithmic axis needs y > 0, got \(y).")
      let low = log10(y.lowerBound).rounded(.down), high = log10(y.upperBound).rounded(.up)
      self.y = low...max(high, low + 1)
    } else {
      self.y = widened(y)
    }
    elements.append(text(width / 2, 22, title, size: 15, anchor: "middle"))
    elements.append(text(width / 2, height - 12, xLabel, size: 13, anchor: "middle"))
    elements.append("<text x=\"16\" y=\"\(f(height / 2))\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(height / 2)))\">\(escaped(yLabel))</text>")
    let (left, right, top, bottom) = (margin.left, width - margin.right, margin.top, height - margin.bottom)
    elements.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"#444\"/>")
    for tick in 0...4 {
      let vx = self.x.lowerBound + Double(tick) / 4 * (self.x.upperBound - self.x.lowerBound)
      elements.append(text(px(vx), bottom + 18, Figures.format(vx, digits: 3), size: 11, anchor: "middle"))
      guard !logY else { continue }
      let vy = self.y.lowerBound + Double(tick) / 4 * (self.y.upperBound - self.y.lowerBound)
      elements.append(text(left - 6, py(vy) + 4, Figures.format(vy, digits: 3), size: 11, anchor: "end"))
    }
    if logY {
      let decades = Int(self.y.upperBound - self.y.lowerBound), every = max(1, (decades + 5) / 6)
      for decade in stride(from: Int(self.y.lowerBound), through: Int(self.y.upperBound), by: every) {
        let vy = pow(10, Double(decade))
        elements.append(text(left - 6, py(vy) + 4, Figures.format(vy, digits: 3), size: 11, anchor: "end"))
      }
    }
  }

  /// Canvas x of data x.
  func px(_ v: Double) -> Double {
    margin.left + (v - x.lowerBound) / (x.upperBound - x.lowerBound) * (width - margin.left - margin.right)
  }

  /// Canvas y of data y (upwards).
  func py(_ v: Double) -> Double {
    let u = logY ? log10(v) : v
    return height - margin.bottom - (u - y.lowerBound) / (y.upperBound - y.lowerBound) * (height - margin.top - margin.bottom)
  }

  mutating func band(x low: Double, _ high: Double, fill: String, label: String) {
    elements.append("<rect x=\"\(f(px(low)))\" y=\"\(f(margin.top))\" width=\"\(f(max(px(high) - px(low), 1)))\" height=\"\(f(height - margin.top - margin.bottom))\" fill=\"\(fill)\" fill-opacity=\"0.35\"><title>\(escaped(label))</title></rect>")
  }

  mutating func verticalLine(at v: Double, color: String, label: String) {
    elements.append("<line x1=\"\(f(px(v)))\" y1=\"\(f(margin.top))\" x2=\"\(f(px(v)))\" y2=\"\(f(height - margin.bottom))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
    elements.append(text(px(v) + 4, margin.top + 14, label, size: 12, anchor: "start", color: color))
  }

  mutating func dot(_ vx: Double, _ vy: Double, color: String, radius: Double = 3) {
    elements.append("<circle cx=\"\(f(px(vx)))\" cy=\"\(f(py(vy)))\" r=\"\(f(radius))\" fill=\"\(color)\" fill-opacity=\"0.7\"/>")
  }

  mutating func polygon(_ points: [(Double, Double)], fill: String) {
    let list = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
    elements.append("<polygon points=\"\(list)\" fill=\"\(fill)\" fill-opacity=\"0.3\" stroke=\"\(fill)\"/>")
  }

  /// A line through `points` (data coordinates), dashed by `dash` (an SVG `stroke-dasharray`) when
  /// given, with a legend entry in the top right corner (`legendWidth` wide) unless `legend` is nil.
  mutating func polyline(_ points: [(Double, Double)], color: String, dash: String? = nil, legend: String?, legendRow: Int = 0,
                         legendWidth: Double = 120) {
    let list = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    elements.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dashing)/>")
    if let legend { self.legend(legend, color: color, dash: dash, row: legendRow, width: legendWidth) }
  }

  /// A legend entry (a short line and `string`) in row `row` of a column `width` from the right edge.
  mutating func legend(_ string: String, color: String, dash: String? = nil, row: Int, width legendWidth: Double = 120) {
    let dashing = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    let y = margin.top + 16 + 16 * Double(row), x = width - margin.right - legendWidth
    elements.append("<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 18))\" y2=\"\(f(y - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(dashing)/>")
    elements.append(text(x + 24, y, string, size: 12, anchor: "start", color: color))
  }

  mutating func label(_ vx: Double, _ vy: Double, _ string: String, color: String) {
    elements.append(text(px(vx) + 6, py(vy) - 6, string, size: 12, anchor: "start", color: color))
  }

  /// The SVG document.
  var document: String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      + elements.joined(separator: "\n") + "\n</svg>\n"
  }

  private func text(_ x: Double, _ y: Double, _ string: String, size: Int, anchor: String, color: String = "#222") -> String {
    "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\">\(escaped(string))</text>"
  }

  private func escaped(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }

  private func f(_ v: Double) -> String { Figures.format((v * 100).rounded() / 100, digits: 8) }
}

import Foundation
@testable import LabExperiments
import LabRandom
import PropertyBased
import Testing

/// The figures' layout, checked on the SVG they produce: every element and every label inside the
/// canvas, round ticks over the data, and a legend that covers no data mark — on adversarial data
/// (long labels, extreme and degenerate ranges, single points, many legend entries) and on every
/// committed figure.
@Suite struct FigureGeometryTests {
  /// The SVG elements a figure is made of, in canvas coordinates.
  struct Geometry {
    var width = 0.0, height = 0.0
    /// Text boxes estimated at 0.6 em per character (the width model of `SVGText`); rotated texts
    /// are checked along their own axis.
    var texts: [(x0: Double, x1: Double, y0: Double, y1: Double, text: String)] = []
    var points: [(Double, Double, String)] = []
    var legendBox: (x0: Double, x1: Double, y0: Double, y1: Double)?
    var dataMarks: [(Double, Double)] = []
    var tickLabels: [(x: Double, y: Double, text: String)] = []
  }

  static func attribute(_ name: String, _ element: String) -> String? {
    guard let start = element.range(of: " \(name)=\"") else { return nil }
    let rest = element[start.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
  }

  static func number(_ name: String, _ element: String) -> Double? { attribute(name, element).flatMap(Double.init) }

  static func unescaped(_ s: Substring) -> String {
    s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
  }

  /// Parses the elements `SVGPlot` and the hull figures write.
  static func geometry(_ svg: String) -> Geometry {
    var g = Geometry()
    for line in svg.split(separator: "\n").map(String.init) {
      if line.hasPrefix("<svg") {
        g.width = number("width", line) ?? 0
        g.height = number("height", line) ?? 0
      } else if line.hasPrefix("<text") {
        let size = number("font-size", line) ?? 0, x = number("x", line) ?? 0, y = number("y", line) ?? 0
        let content = unescaped(line.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
        let w = Double(content.count) * 0.6 * size
        if line.contains("rotate(-90") {
          g.texts.append((x - 0.8 * size, x + 0.25 * size, y - w / 2, y + w / 2, content))
        } else {
          let x0: Double
          switch attribute("text-anchor", line) {
          case "end": x0 = x - w
          case "middle": x0 = x - w / 2
          default: x0 = x
          }
          g.texts.append((x0, x0 + w, y - 0.8 * size, y + 0.25 * size, content))
          if size == 11 { g.tickLabels.append((x, y, content)) }
        }
      } else if line.hasPrefix("<circle") {
        let p = (number("cx", line) ?? .nan, number("cy", line) ?? .nan)
        g.points.append((p.0, p.1, "circle"))
        g.dataMarks.append(p)
      } else if line.hasPrefix("<line") {
        for (a, b) in [("x1", "y1"), ("x2", "y2")] { g.points.append((number(a, line) ?? .nan, number(b, line) ?? .nan, "line")) }
      } else if line.hasPrefix("<polyline") || line.hasPrefix("<polygon") {
        for pair in (attribute("points", line) ?? "").split(separator: " ") {
          let xy = pair.split(separator: ",").compactMap { Double($0) }
          guard xy.count == 2 else { g.points.append((.nan, .nan, "path")); continue }
          g.points.append((xy[0], xy[1], "path"))
          g.dataMarks.append((xy[0], xy[1]))
        }
      } else if line.hasPrefix("<rect x=") {
        let x = number("x", line) ?? .nan, y = number("y", line) ?? .nan
        let w = number("width", line) ?? .nan, h = number("height", line) ?? .nan
        g.points.append((x, y, "rect"))
        g.points.append((x + w, y + h, "rect"))
        if line.contains("stroke=\"#bbb\"") { g.legendBox = (x, x + w, y, y + h) }
      }
    }
    return g
  }

  /// Every layout rule that does not depend on what the figure shows.
  static func expectLaidOut(_ svg: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let g = geometry(svg)
    #expect(g.width > 0 && g.height > 0, "\(name): no canvas size", sourceLocation: sourceLocation)
    for p in g.points {
      #expect(p.0.isFinite && p.1.isFinite && p.0 >= -0.01 && p.0 <= g.width + 0.01 && p.1 >= -0.01 && p.1 <= g.height + 0.01,
              "\(name): a \(p.2) at (\(p.0), \(p.1)) outside the \(g.width)×\(g.height) canvas", sourceLocation: sourceLocation)
    }
    for t in g.texts {
      #expect(t.x0 >= -0.01 && t.x1 <= g.width + 0.01 && t.y0 >= -0.01 && t.y1 <= g.height + 0.01,
              "\(name): the label \"\(t.text)\" spans x \(t.x0)…\(t.x1), y \(t.y0)…\(t.y1) on a \(g.width)×\(g.height) canvas",
              sourceLocation: sourceLocation)
    }
    if let box = g.legendBox {
      let covered = g.dataMarks.filter { $0.0 > box.x0 && $0.0 < box.x1 && $0.1 > box.y0 && $0.1 < box.y1 }
      #expect(covered.isEmpty, "\(name): the legend covers \(covered.count) data marks, e.g. \(covered.prefix(3))",
              sourceLocation: sourceLocation)
    }
  }

  /// Whether `step` is {1, 2, 5}·10ᵏ.
  static func isRound(_ step: Double) -> Bool {
    let mantissa = step / pow(10, log10(step).rounded(.down))
    return [1.0, 2, 5, 10].contains { abs(mantissa - $0) <= 1e-9 * $0 }
  }

  @Test("an axis covers its data with 1-2-5 ticks, ends at the first tick beyond the data, and labels each tick exactly")
  func axisScale() async {
    await propertyCheck(count: 2000, input: Gen.double(in: -300...300), Gen.double(in: -14...3), Gen.double(in: -1...1)) { exponent, relativeSpan, unit in
      let low = unit * pow(10, exponent.rounded() / 10)
      let high = low + abs(low == 0 ? 1 : low) * pow(10, relativeSpan) * (unit < -0.9 ? 0 : 1)
      guard low.isFinite && high.isFinite && high - low < .greatestFiniteMagnitude / 4 else { return }
      let axis = AxisScale(covering: low...high)
      #expect(Self.isRound(axis.step), "step \(axis.step) for \(low)…\(high)")
      #expect(axis.range.lowerBound <= low && axis.range.upperBound >= high, "\(axis.range) does not cover \(low)…\(high)")
      if !AxisScale.isDegenerate(low, high) {
        let slack = axis.step * 1e-6 + 4 * max(low.ulp, high.ulp)
        #expect(low - axis.range.lowerBound < axis.step + slack && axis.range.upperBound - high < axis.step + slack,
                "\(axis.range) extends a whole step (\(axis.step)) past \(low)…\(high)")
      }
      #expect((2...12).contains(axis.ticks.count), "\(axis.ticks.count) ticks for \(low)…\(high)")
      for (a, b) in zip(axis.ticks, axis.ticks.dropFirst()) {
        // Tick values are doubles: their spacing is exact only up to the values' own ulp.
        #expect(abs((b - a) - axis.step) <= 1e-6 * axis.step + 4 * max(a.ulp, b.ulp), "uneven ticks \(a), \(b) at step \(axis.step)")
      }
      let labels = axis.ticks.map(axis.label)
      #expect(Set(labels).count == labels.count, "tick labels repeat: \(labels)")
      for (tick, label) in zip(axis.ticks, labels) {
        let parsed = Double(label) ?? .nan
        #expect(abs(parsed - tick) <= 1e-6 * axis.step + 4 * tick.ulp, "label \(label) for tick \(tick)")
      }
    }
  }

  /// A random plot drawn from hostile pieces: long or empty texts, extreme, tiny or degenerate
  /// ranges, single points, labels at the right edge, many legend entries.
  static func adversarialPlot(seed: UInt64) -> String {
    var g = SeedTree(root: seed).generator(for: "figure")
    func text(_ longest: Int) -> String {
      let words = ["(c_10, c_20) = (0.93, 0.71)", "H = [1, 1]", "c = 0.9326", "ẑ_3,n", "Σ‖x̂‖/Σ‖x‖", "relu-l1-unit", "x", ""]
      return (0..<(1 + g.nextInt(below: longest))).map { _ in words[g.nextInt(below: words.count)] }.joined(separator: " ")
    }
    let magnitudes: [Double] = [1e-300, 1e-12, 1e-3, 1, 7.3, 1e3, 1e9, 1e300]
    func range() -> ClosedRange<Double> {
      let centre = magnitudes[g.nextInt(below: magnitudes.count)] * (g.nextInt(below: 2) == 0 ? 1 : -1)
      let span = g.nextInt(below: 4) == 0 ? 0 : abs(centre) * magnitudes[g.nextInt(below: 5)]
      return centre...(centre + span)
    }
    let xr = range(), yr = range()
    let logY = g.nextInt(below: 4) == 0
    let yRange = logY ? 1e-9...(1e-9 * max(1, magnitudes[g.nextInt(below: magnitudes.count)] * 1e3)) : yr
    var plot = SVGPlot(x: xr, y: yRange, title: text(12), xLabel: text(10), yLabel: text(8), logY: logY)
    func point() -> (Double, Double) {
      let u = Double(g.nextInt(below: 1001)) / 1000, v = Double(g.nextInt(below: 1001)) / 1000
      let y = logY ? pow(10, log10(yRange.lowerBound) + v * (log10(yRange.upperBound) - log10(yRange.lowerBound)))
        : yRange.lowerBound + v * (yRange.upperBound - yRange.lowerBound)
      return (xr.lowerBound + u * (xr.upperBound - xr.lowerBound), y)
    }
    for series in 0..<g.nextInt(below: 9) {
      let points = (0..<(1 + g.nextInt(below: 30))).map { _ in point() }.sorted { $0.0 < $1.0 }
      plot.polyline(points, color: "#123", dash: series % 2 == 0 ? nil : "4 2", legend: g.nextInt(below: 3) == 0 ? nil : text(4))
    }
    for _ in 0..<g.nextInt(below: 40) { let p = point(); plot.dot(p.0, p.1, color: "#456") }
    for _ in 0..<g.nextInt(below: 3) { let p = point(); plot.label(p.0, p.1, text(4), color: "#c00") }
    if g.nextInt(below: 2) == 0 { plot.verticalLine(at: xr.upperBound, color: "#c00", label: text(3)) }
    if g.nextInt(below: 2) == 0 { plot.band(x: xr.lowerBound, xr.upperBound, fill: "#7fbf7f", label: text(2)) }
    for _ in 0..<g.nextInt(below: 4) { plot.legend(text(3), color: "#555") }
    return plot.document
  }

  @Test("adversarial plots keep every element and label inside the canvas, with the legend off the data")
  func adversarialPlots() async {
    await propertyCheck(count: 500, input: Gen.uint64()) { seed in
      Self.expectLaidOut(Self.adversarialPlot(seed: seed), "seed \(seed)")
    }
  }

  @Test("the y tick labels of a linear plot are its axis ticks, and a single point gets a widened round axis")
  func singlePoint() {
    var plot = SVGPlot(x: 5...5, y: 0.9326...0.9326, title: "one point", xLabel: "x", yLabel: "y")
    plot.dot(5, 0.9326, color: "#000")
    plot.verticalLine(at: 5, color: "#c00", label: "c = 0.9326")
    let g = Self.geometry(plot.document)
    Self.expectLaidOut(plot.document, "single point")
    let yLabels = g.tickLabels.filter { $0.x < plot.margin.left }.map(\.text)
    #expect(yLabels == plot.yAxis?.ticks.map { plot.yAxis!.label($0) })
    #expect(plot.x.lowerBound < 5 && plot.x.upperBound > 5 && Self.isRound(plot.xAxis.step))
  }

  @Test("a legend moves off the data: to a free corner, or outside the plot area when every corner is taken")
  func legendPlacement() {
    var crowded = SVGPlot(x: 0...1, y: 0...1, title: "crowded", xLabel: "x", yLabel: "y")
    for i in 0...40 { for j in 0...40 { crowded.dot(Double(i) / 40, Double(j) / 40, color: "#000", radius: 1) } }
    crowded.legend("a legend entry", color: "#c00")
    Self.expectLaidOut(crowded.document, "crowded")
    #expect(Self.geometry(crowded.document).width > SVGPlot.baseWidth, "every corner is covered, so the legend goes outside")

    var rising = SVGPlot(x: 0...1, y: 0...1, title: "rising", xLabel: "x", yLabel: "y")
    rising.polyline([(0, 0), (1, 1)], color: "#000", legend: "the diagonal")
    let box = Self.geometry(rising.document).legendBox
    #expect(Self.geometry(rising.document).width == SVGPlot.baseWidth, "an off-diagonal corner is free")
    #expect(box.map { $0.x0 < SVGPlot.baseWidth / 2 } == true, "a rising diagonal leaves the top left corner free")
    Self.expectLaidOut(rising.document, "rising")
  }

  @Test("the report figures on hostile inputs, and every committed figure, are laid out inside their canvas")
  func reportFigures() throws {
    let histories: [(name: String, history: [[Double]])] = [
      ("a very long variant name that would run past a fixed legend column", [[0, 10], [1, 3], [2, 1e-9], [3, 1e-12]]),
      ("v1", [[0, 1e300], [5, 1]]),
    ]
    Self.expectLaidOut(HierarchyObjectiveFigure.document(histories), "objective")
    let series: [(method: SuppressionMethod, points: [(Double, Double)])] = [(.reluL1, [(0.5, 0.3), (5.3, 0.95)]), (.topK, [(5.3, 1.2)])]
    Self.expectLaidOut(SuppressionReport.plot(title: "t", xLabel: "‖x‖", yLabel: "s(x)", series: series,
                                              bound: (name: "bound (1 − λ/‖x‖)₊", points: [(0.5, 0), (5.3, 0.95)])), "suppression")
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../notebooks-md").standardized
    let figures = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".svg") }.sorted()
    #expect(!figures.isEmpty)
    for name in figures {
      Self.expectLaidOut(try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8), name)
    }
  }
}

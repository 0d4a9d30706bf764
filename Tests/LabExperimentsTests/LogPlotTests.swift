import Foundation
@testable import LabExperiments
import LabRandom
import PropertyBased
import Testing

/// The logarithmic plots (objective histories, training losses): the log axis is linear in
/// log₁₀, and a hostile history (non-finite, negative or missing values) still gives an SVG.
@Suite struct LogPlotTests {
  @Test("a log axis spans whole decades and maps equal ratios to equal distances")
  func logAxis() async {
    await propertyCheck(count: 100, input: Gen.double(in: -12...3), Gen.double(in: 0...8)) { low, span in
      let plot = SVGPlot(x: 0...1, y: pow(10, low)...pow(10, low + span), title: "", xLabel: "", yLabel: "", logY: true)
      #expect(plot.y.lowerBound == low.rounded(.down) && plot.y.upperBound >= plot.y.lowerBound + 1)
      #expect(abs(plot.py(pow(10, plot.y.lowerBound)) - (SVGPlot.height - plot.margin.bottom)) <= 1e-9)
      #expect(abs(plot.py(pow(10, plot.y.upperBound)) - plot.margin.top) <= 1e-9)
      let v = pow(10, low + span / 2)
      #expect(abs((plot.py(v) - plot.py(10 * v)) - (plot.py(v / 10) - plot.py(v))) <= 1e-6)
    }
  }

  /// Histories drawn from finite, huge, tiny, zero, negative and non-finite values, with entries
  /// of 0–3 numbers.
  static func hostileHistory(seed: UInt64) -> [[Double]] {
    var g = SeedTree(root: seed).generator(for: "history")
    let pool: [Double] = [.nan, .infinity, -.infinity, 0, -1, 1e-300, 1e300, 6.5, 6.4999, 7]
    return (0..<g.nextInt(below: 12)).map { _ in (0..<g.nextInt(below: 4)).map { _ in pool[g.nextInt(below: pool.count)] } }
  }

  @Test("hostile objective histories and training losses render as SVG documents with finite coordinates")
  func hostileHistories() async {
    await propertyCheck(count: 300, input: Gen.uint64()) { seed in
      let histories = (0..<3).map { ("v\($0)", Self.hostileHistory(seed: seed &+ UInt64($0))) }
      let objective = HierarchyObjectiveFigure.document(histories.map { (name: $0.0, history: $0.1) })
      var toy = FrontierToy.default
      toy.ks = [1, 2]
      let points = histories.enumerated().map { i, h in
        FrontierExperiment.Point(architecture: FrontierExperiment.architectures[i], k: 1 + i % 2, l0: 1, meanSquaredError: 1,
                                 fractionOfVarianceUnexplained: 1, deadLatents: 0, steps: 60, plateaued: true, trainingLoss: h.1)
      }
      let loss = FrontierReport.lossFigure(points, toy: toy)
      for document in [objective] + (loss.map { [$0] } ?? []) {
        #expect(document.hasPrefix("<svg") && document.hasSuffix("</svg>\n"))
        #expect(!document.contains("\"n/a\"") && !document.contains("n/a,") && !document.contains(",n/a"), "a non-finite coordinate")
      }
    }
  }
}

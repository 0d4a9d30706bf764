import Foundation

/// The figure of a report's findings: for every finding (x = its number in the findings table)
/// each seed's value as a faint dot, the mean as a larger dot and its 95 % interval as a bar,
/// scaled so that the margin is 0 and the claim's side is up (each finding by the largest
/// distance of its values and interval ends from the margin, so findings of different units share
/// one axis). A bar wholly above 0 is a reproduced finding, wholly below a refuted one.
enum FindingsFigure {
  /// `<id>-findings.svg`.
  static func name(id: String) -> String { "\(id)-findings.svg" }

  static let colors: [FindingOutcome: String] = [.reproduced: "#2ca02c", .refuted: "#d62728", .inconclusive: "#7f7f7f"]

  static func document(_ findings: [SourceFinding]) -> String {
    let count = max(1, findings.count)
    var plot = SVGPlot(x: 0.5...(Double(count) + 0.5), y: -1.1...1.1, title: "Findings over seeds (0 = the margin; up = the claim's side)",
                       xLabel: "finding (number in the findings table)", yLabel: "distance from the margin, scaled")
    plot.polyline([(0.5, 0), (Double(count) + 0.5, 0)], color: "#444", dash: "4 3", legend: nil)
    for (index, finding) in findings.enumerated() {
      let x = Double(index + 1), sign: Double = finding.side == .above ? 1 : -1
      let half = finding.halfWidth.isFinite ? finding.halfWidth : 0
      let ends = [finding.estimate - half, finding.estimate + half]
      let scale = (finding.perSeed + ends).filter(\.isFinite).map { abs($0 - finding.bound) }.max() ?? 0
      guard scale > 0 else { continue }
      func y(_ v: Double) -> Double { sign * (v - finding.bound) / scale }
      let color = colors[finding.outcome] ?? "#000"
      for value in finding.perSeed where value.isFinite { plot.dot(x - 0.15, y(value), color: color, radius: 2) }
      if finding.estimate.isFinite {
        plot.polyline([(x, y(ends[0])), (x, y(ends[1]))], color: color, legend: nil)
        plot.dot(x, y(finding.estimate), color: color, radius: 4)
      }
    }
    for outcome in FindingOutcome.allCases { plot.legend(outcome.rawValue, color: colors[outcome] ?? "#000") }
    return plot.document
  }
}

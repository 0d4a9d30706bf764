import LabChecks
import LabSolvers

/// The figures of THEORY §4.2–4.3 for `lab check` reports.
enum HullFigures {
  /// The modified responses ẑ_in = 1 − z_in/z̄_i over the points where j is silent, as an empirical
  /// distribution, with the hull H_{i|j} shaded and the cosine c_ij marked: the pair passes iff the
  /// line lies in the band (with a bias).
  static func pair(_ problem: SparseCodingProblem, _ pair: PairCondition, activityThreshold tau: Double) -> String {
    let z = problem.codes
    let n = z.rows
    let mean = (0..<n).reduce(0.0) { $0 + z[$1, pair.i] } / Double(n)
    let values = (0..<n).filter { z[$0, pair.j] <= tau }.map { 1 - z[$0, pair.i] / mean }.sorted()
    let low = min(values.first ?? pair.cosine, pair.cosine), high = max(values.last ?? pair.cosine, pair.cosine, 1)
    let pad = 0.05 * (high - low)
    var plot = SVGPlot(x: (low - pad)...(high + pad), y: 0...1,
                       title: "Pair (\(pair.i) → \(pair.j)): modified responses of \(pair.i) where \(pair.j) is silent — \(pair.pass ? "pass" : "fail")",
                       xLabel: "ẑ_\(pair.i),n = 1 − z_\(pair.i),n / z̄_\(pair.i)  (n with z_\(pair.j),n ≤ τ)", yLabel: "fraction of silent points ≤ ẑ")
    if let hullLow = pair.hullLow, let hullHigh = pair.hullHigh {
      let text = "H = [\(Figures.format(hullLow)), \(Figures.format(hullHigh))]"
      plot.band(x: hullLow, hullHigh, fill: pair.pass ? "#7fbf7f" : "#e08080", label: text)
      plot.label(hullLow, 0.08, text, color: "#333")
    }
    for (rank, value) in values.enumerated() { plot.dot(value, Double(rank + 1) / Double(values.count), color: "#225") }
    plot.verticalLine(at: pair.cosine, color: "#c00", label: "c = \(Figures.format(pair.cosine))")
    return plot.document
  }

  /// The two-donor star of receiver j: the polygon conv{(ẑ_an, ẑ_bn) : z_jn ≤ τ} and the target
  /// (c_aj, c_bj); the star condition holds iff the target lies in the polygon (with a bias).
  static func star(_ problem: SparseCodingProblem, receiver j: Int, donors: (Int, Int), passes: Bool,
                   activityThreshold tau: Double) -> String {
    let z = problem.codes, d = problem.dictionary
    let n = z.rows
    func mean(_ i: Int) -> Double { (0..<n).reduce(0.0) { $0 + z[$1, i] } / Double(n) }
    func cosine(_ i: Int) -> Double { zip(d.row(i), d.row(j)).reduce(0) { $0 + $1.0 * $1.1 } }
    let (a, b) = donors
    let meanA = mean(a), meanB = mean(b)
    let points = (0..<n).filter { z[$0, j] <= tau }.map { (1 - z[$0, a] / meanA, 1 - z[$0, b] / meanB) }
    let target = (cosine(a), cosine(b))
    let xs = points.map(\.0) + [target.0], ys = points.map(\.1) + [target.1]
    let pad = 0.05 * max(xs.max()! - xs.min()!, ys.max()! - ys.min()!, 1e-9)
    var plot = SVGPlot(x: (xs.min()! - pad)...(xs.max()! + pad), y: (ys.min()! - pad)...(ys.max()! + pad),
                       title: "Star: receiver \(j), donors \(a) and \(b) — \(passes ? "pass" : "fail")",
                       xLabel: "ẑ_\(a),n (n with z_\(j),n ≤ τ)", yLabel: "ẑ_\(b),n")
    plot.polygon(convexHull(points), fill: passes ? "#3a3" : "#c33")
    for point in points { plot.dot(point.0, point.1, color: "#225", radius: 2.5) }
    plot.dot(target.0, target.1, color: "#c00", radius: 5)
    plot.label(target.0, target.1, "(c_\(a)\(j), c_\(b)\(j)) = (\(Figures.format(target.0)), \(Figures.format(target.1)))", color: "#c00")
    return plot.document
  }

  /// Andrew's monotone chain: the hull's vertices counter-clockwise.
  static func convexHull(_ points: [(Double, Double)]) -> [(Double, Double)] {
    let sorted = points.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    guard sorted.count > 2 else { return sorted }
    func cross(_ o: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
      (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    }
    var lower: [(Double, Double)] = [], upper: [(Double, Double)] = []
    for p in sorted {
      while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
      lower.append(p)
    }
    for p in sorted.reversed() {
      while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
      upper.append(p)
    }
    return Array(lower.dropLast() + upper.dropLast())
  }
}

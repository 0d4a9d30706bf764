/// The objective history of block minimisation in the hierarchy experiment, as an SVG plot: per
/// λ > 0 variant, L_λ above its value at the last recorded iteration, on a logarithmic axis (the
/// last point, 0 by definition, is left out, and so is any entry that is not finite).
enum HierarchyObjectiveFigure {
  static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]

  /// The (iteration, L_λ − L_λ(last)) points of a history of [iteration, L_λ] entries with a
  /// positive, finite excess.
  static func excess(_ history: [[Double]]) -> [(Double, Double)] {
    guard let last = history.last?[ifPresent: 1], last.isFinite else { return [] }
    return history.compactMap { entry in
      guard let iteration = entry[ifPresent: 0], let loss = entry[ifPresent: 1], iteration.isFinite else { return nil }
      let excess = loss - last
      return excess > 0 && excess.isFinite ? (iteration, excess) : nil
    }
  }

  /// The SVG document for the named histories.
  static func document(_ histories: [(name: String, history: [[Double]])]) -> String {
    let lines = histories.map { ($0.name, excess($0.history)) }
    let points = lines.flatMap(\.1)
    let iterations = histories.flatMap { $0.history.compactMap { $0[ifPresent: 0] } }.filter(\.isFinite).max() ?? 1
    let low = points.map(\.1).min() ?? 1e-12, high = points.map(\.1).max() ?? 1
    var plot = SVGPlot(x: 0...max(1, iterations), y: low...high, title: "Block minimisation from the ground truth: objective history",
                       xLabel: "outer iteration", yLabel: "L_λ − L_λ(last iteration)", logY: true)
    for (row, line) in lines.enumerated() where !line.1.isEmpty {
      let color = colors[row % colors.count]
      plot.polyline(line.1, color: color, legend: line.0)
      for (x, y) in line.1 { plot.dot(x, y, color: color, radius: 2.5) }
    }
    return plot.document
  }
}

/// Pearson's correlation of paired values with an exact permutation test of a positive
/// correlation, for the few "layers" of an experiment (at most 8 values, 40 320 orders).
public enum PermutationCorrelation {
  /// Pearson's r between `xs` and `ys`, and the exact one-sided permutation p-value: the fraction
  /// of the n! orders of `ys` whose r is at least the observed one (within 1e−12). A constant
  /// series has r = 0 and p = 1.
  public static func test(_ xs: [Double], _ ys: [Double]) -> (r: Double, p: Double) {
    precondition(xs.count == ys.count && xs.count <= 8, "The exact permutation test takes at most 8 paired values, got \(xs.count) and \(ys.count).")
    guard let r = pearson(xs, ys) else { return (0, 1) }
    var indices = Array(ys.indices), atLeast = 0, total = 0
    func visit(_ k: Int) {
      if k == indices.count {
        total += 1
        if (pearson(xs, indices.map { ys[$0] }) ?? 0) >= r - 1e-12 { atLeast += 1 }
        return
      }
      for i in k..<indices.count {
        indices.swapAt(k, i)
        visit(k + 1)
        indices.swapAt(k, i)
      }
    }
    visit(0)
    return (r, Double(atLeast) / Double(total))
  }

  /// Pearson's r, nil when either series is constant.
  private static func pearson(_ xs: [Double], _ ys: [Double]) -> Double? {
    let n = Double(xs.count), mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
  }
}
